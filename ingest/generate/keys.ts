import { timeParts } from './time.ts';

/** Where a CloudTrail object sits: the parts shared by log, digest and Insight keys. */
export interface TrailLocation {
  /** Key prefix before `AWSLogs/`, without slashes at either end; may be empty. */
  prefix: string;
  orgId: string;
  account: string;
  region: string;
  /** Add a doubled slash after the prefix, as a trail whose prefix ends in `/` produces. */
  doubleSlash?: boolean;
}

function accountRoot({ prefix, orgId, account, doubleSlash = false }: TrailLocation): string {
  const head = prefix === '' ? '' : `${prefix}${doubleSlash ? '//' : '/'}`;
  return `${head}AWSLogs/${orgId}/${account}`;
}

function dayFolder(ms: number): string {
  const t = timeParts(ms);
  return `${t.yyyy}/${t.mm}/${t.dd}`;
}

/** `<prefix>/AWSLogs/<org>/<acct>/CloudTrail/<region>/<yyyy>/<mm>/<dd>/<acct>_CloudTrail_<region>_<yyyymmdd>T<hhmm>Z_<rand16>.json.gz` */
export function cloudtrailKey(at: TrailLocation, deliveredMs: number, rand16: string): string {
  const t = timeParts(deliveredMs);
  const { account, region } = at;
  const name = `${account}_CloudTrail_${region}_${t.yyyy}${t.mm}${t.dd}T${t.hh}${t.mi}Z_${rand16}.json.gz`;
  return `${accountRoot(at)}/CloudTrail/${region}/${dayFolder(deliveredMs)}/${name}`;
}

/** `…/CloudTrail-Digest/<region>/<yyyy>/<mm>/<dd>/<acct>_CloudTrail-Digest_<region>_<trail>_<region>_<yyyymmdd>T<hhmmss>Z.json.gz` */
export function digestKey(at: TrailLocation, trailName: string, deliveredMs: number): string {
  const t = timeParts(deliveredMs);
  const { account, region } = at;
  const stamp = `${t.yyyy}${t.mm}${t.dd}T${t.hh}${t.mi}${t.ss}Z`;
  const name = `${account}_CloudTrail-Digest_${region}_${trailName}_${region}_${stamp}.json.gz`;
  return `${accountRoot(at)}/CloudTrail-Digest/${region}/${dayFolder(deliveredMs)}/${name}`;
}

/** `…/CloudTrail-Insight/<region>/<yyyy>/<mm>/<dd>/<acct>_CloudTrail-Insight_<region>_<yyyymmdd>T<hhmm>Z_<rand16>.json.gz` */
export function insightKey(at: TrailLocation, deliveredMs: number, rand16: string): string {
  const t = timeParts(deliveredMs);
  const { account, region } = at;
  const name = `${account}_CloudTrail-Insight_${region}_${t.yyyy}${t.mm}${t.dd}T${t.hh}${t.mi}Z_${rand16}.json.gz`;
  return `${accountRoot(at)}/CloudTrail-Insight/${region}/${dayFolder(deliveredMs)}/${name}`;
}

/** `<prefix>/AWSLogs/<org>/<acct>/ConfigWritabilityCheckFile`, which AWS Config writes into a shared bucket. */
export function configWritabilityCheckKey(at: TrailLocation): string {
  return `${accountRoot(at)}/ConfigWritabilityCheckFile`;
}

/** `<prefix>/<yyyy>/<mm>/<dd>/<hh>/<stream>-<n>-<yyyy>-<mm>-<dd>-<hh>-<mm>-<ss>-<uuid>`, with no suffix. */
export function firehoseKey(prefix: string, stream: string, deliveredMs: number, uuid: string): string {
  const t = timeParts(deliveredMs);
  const head = prefix === '' ? '' : `${prefix}/`;
  return `${head}${t.yyyy}/${t.mm}/${t.dd}/${t.hh}/${stream}-1-${t.yyyy}-${t.mm}-${t.dd}-${t.hh}-${t.mi}-${t.ss}-${uuid}`;
}
