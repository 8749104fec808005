import type { FileFilterConfig, ListFilter } from '../lake/config.ts';

/** Why a file was not accepted; stable codes that appear in addapart's counts. */
export type FilterVerdict =
  | 'ok'
  | 'recursion_guard'
  | 'bucket_not_configured'
  | 'account_not_allowed'
  | 'region_not_allowed'
  | 'prefix_not_allowed';

function listAllows(
  filter: ListFilter | undefined,
  value: string | undefined,
  match: (v: string, e: string) => boolean,
) {
  if (filter === undefined || value === undefined) return true;
  if (filter.deny?.some((e) => match(value, e))) return false;
  if (filter.allow !== undefined && filter.allow.length > 0) return filter.allow.some((e) => match(value, e));
  return true;
}

const equals = (v: string, e: string) => v === e;
const startsWith = (v: string, e: string) => v.startsWith(e);

/** Checks the location-only part of the filter, before the key is parsed. */
export function checkLocation(config: FileFilterConfig, bucket: string, key: string): FilterVerdict {
  if (config.guard?.some((g) => g.bucket === bucket && key.startsWith(g.prefix))) return 'recursion_guard';
  if (config.buckets !== undefined && !config.buckets.has(bucket)) return 'bucket_not_configured';
  if (!listAllows(config.prefixes, key, startsWith)) return 'prefix_not_allowed';
  return 'ok';
}

/** Checks account and region, when the source's key carries them. */
export function checkAccountRegion(
  config: FileFilterConfig,
  account: string | undefined,
  region: string | undefined,
): FilterVerdict {
  if (!listAllows(config.accounts, account, equals)) return 'account_not_allowed';
  if (!listAllows(config.regions, region, equals)) return 'region_not_allowed';
  return 'ok';
}
