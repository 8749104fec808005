import { type ActorFilter, actorMatches, CALL_TYPES, type CallType } from './cloudtrailCalls.ts';
import { type Actor, type CloudTrailRecord, makeActor, makeRecord } from './cloudtrailRecord.ts';
import { gzip } from './gzip.ts';
import { cloudtrailKey } from './keys.ts';
import { dayStartMs, type ResolvedOptions } from './options.ts';
import { Prng } from './prng.ts';
import { sessionRecords, type TimedRecord } from './sessionEvents.ts';
import type { SessionPlan } from './sessionPlan.ts';
import { MINUTE_MS, SECOND_MS } from './time.ts';
import type { AccountWorld, Principal, World } from './world.ts';

/** A built CloudTrail log file and what it holds. */
export interface CloudTrailFile {
  key: string;
  body: Uint8Array;
  /** The `{"Records":[…]}` document before compression. */
  raw: Buffer;
  records: CloudTrailRecord[];
  /** When CloudTrail delivered the file, as its key says. */
  deliveredMs: number;
}

/** Ordinary records per account, region and day before `extraFiller` scales them. */
const BASE_RECORDS = { min: 100, max: 200 };
/** Records per file once a group is big enough to need more files. */
const RECORDS_PER_FILE = 500;
/** Deliveries stop a few minutes before midnight, so every key and event stays on its day. */
const LAST_WINDOW_END_MS = (23 * 60 + 55) * MINUTE_MS;

/** One account, region and day: the unit the base data set is built from. */
export interface TrailGroup {
  day: number;
  account: AccountWorld;
  region: string;
  /** Sessions started in this account, region and day. */
  sessions: readonly SessionPlan[];
  /** Give the second file of this group a `//` after the prefix. */
  doubleSlash: boolean;
}

/**
 * The CloudTrail files of one group: a few delivery windows over the day, each with its share of
 * ordinary calls plus the session calls that fall into it.
 */
export function* trailGroupFiles(
  options: ResolvedOptions,
  world: World,
  group: TrailGroup,
): Generator<CloudTrailFile> {
  const { day, account, region } = group;
  const rng = new Prng(options.seed, 'cloudtrail', day, account.index, region);
  const ordinary = Math.round(rng.int(BASE_RECORDS.min, BASE_RECORDS.max) * (1 + options.extraFiller));
  const fileCount = Math.max(rng.int(2, 4), Math.ceil(ordinary / RECORDS_PER_FILE));
  const dayStart = dayStartMs(options, day);
  const windowMs = LAST_WINDOW_END_MS / fileCount;

  const sessionByWindow: TimedRecord[][] = Array.from({ length: fileCount }, () => []);
  for (const plan of group.sessions) {
    for (const timed of sessionRecords(options.seed, plan)) {
      const w = Math.min(fileCount - 1, Math.floor((timed.ms - dayStart) / windowMs));
      sessionByWindow[w]?.push(timed);
    }
  }

  for (let f = 0; f < fileCount; f++) {
    const fileRng = new Prng(options.seed, 'cloudtrail-file', day, account.index, region, f);
    const start = dayStart + Math.round(f * windowMs);
    const end = dayStart + Math.round((f + 1) * windowMs);
    const count = Math.round((ordinary * (f + 1)) / fileCount) - Math.round((ordinary * f) / fileCount);
    const timed = ordinaryRecords(fileRng, world, account, region, count, start, end);
    timed.push(...(sessionByWindow[f] ?? []));
    const delivered = end + fileRng.int(60, 240) * SECOND_MS;
    const at = { prefix: options.cloudtrailPrefix, orgId: options.orgId, account: account.id, region };
    const key = cloudtrailKey(
      { ...at, doubleSlash: group.doubleSlash && f === 1 },
      delivered,
      fileRng.hex(16),
    );
    yield buildTrailFile(key, delivered, timed);
  }
}

/**
 * An extra file of ordinary calls, the `n`-th one, for growing a data set to a byte target. Files take
 * turns over days, accounts and regions, at a random time of the day.
 */
export function trailFillerFile(options: ResolvedOptions, world: World, n: number): CloudTrailFile {
  const rng = new Prng(options.seed, 'cloudtrail-filler', n);
  const { regions } = options;
  const account = world.accounts[n % world.accounts.length] as AccountWorld;
  const region = regions[Math.floor(n / world.accounts.length) % regions.length] as string;
  const day = Math.floor(n / (world.accounts.length * regions.length)) % options.days;
  const end = dayStartMs(options, day) + rng.int(20 * 60, LAST_WINDOW_END_MS / SECOND_MS) * SECOND_MS;
  const start = end - rng.int(5, 15) * MINUTE_MS;
  const timed = ordinaryRecords(rng, world, account, region, rng.int(300, 700), start, end);
  const at = { prefix: options.cloudtrailPrefix, orgId: options.orgId, account: account.id, region };
  const delivered = end + rng.int(60, 240) * SECOND_MS;
  return buildTrailFile(cloudtrailKey(at, delivered, rng.hex(16)), delivered, timed);
}

/** Ordinary (non-session) calls at random times in [start, end). */
export function ordinaryRecords(
  rng: Prng,
  world: World,
  account: AccountWorld,
  region: string,
  count: number,
  start: number,
  end: number,
): TimedRecord[] {
  const types = callTypesFor(region === world.globalRegion);
  const actors = new Map<Principal, Actor>();
  const out: TimedRecord[] = [];
  for (let i = 0; i < count; i++) {
    const type = rng.weighted(types);
    const principal = rng.pick(eligible(account, type.actors));
    let actor = actors.get(principal);
    if (actor === undefined) {
      actor = makeActor(principal, rng, start);
      actors.set(principal, actor);
    }
    const ms = start + Math.floor((rng.next() * (end - start)) / SECOND_MS) * SECOND_MS;
    const ctx = { rng, account, region, ms, actor };
    out.push({ ms, record: makeRecord({ ...ctx, account: account.id }, type.build(ctx)) });
  }
  return out;
}

/** Sorts records by time and compresses them as one `{"Records":[…]}` document. */
export function buildTrailFile(key: string, deliveredMs: number, timed: TimedRecord[]): CloudTrailFile {
  // CloudTrail writes records roughly in time order; a stable sort keeps equal times in build order.
  timed.sort((a, b) => a.ms - b.ms);
  const records = timed.map((t) => t.record);
  const raw = Buffer.from(JSON.stringify({ Records: records }));
  return { key, body: gzip(raw), raw, records, deliveredMs };
}

const typesCache = new Map<boolean, (readonly [CallType, number])[]>();

function callTypesFor(globalRegion: boolean): (readonly [CallType, number])[] {
  let types = typesCache.get(globalRegion);
  if (types === undefined) {
    types = CALL_TYPES.filter((t) => globalRegion || t.global !== true).map((t) => [t, t.weight] as const);
    typesCache.set(globalRegion, types);
  }
  return types;
}

const eligibleCache = new WeakMap<AccountWorld, Map<ActorFilter, Principal[]>>();

function eligible(account: AccountWorld, filter: ActorFilter): Principal[] {
  let byFilter = eligibleCache.get(account);
  if (byFilter === undefined) {
    byFilter = new Map();
    eligibleCache.set(account, byFilter);
  }
  let list = byFilter.get(filter);
  if (list === undefined) {
    list = account.principals.filter((p) => actorMatches(filter, p));
    byFilter.set(filter, list);
  }
  return list;
}
