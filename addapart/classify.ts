import type { FileFilterConfig } from '../lake/config.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { matchSource } from '../sources/match.ts';
import { checkAccountRegion, checkLocation } from './filter.ts';
import { locationId } from './locationId.ts';

/** A raw file that belongs to a source and passed the filter. */
export interface AcceptedKey {
  kind: 'accept';
  source: SourceDefinition;
  /** Partition values in the order of the source's `partition_keys` (without `loc`). */
  values: string[];
  /** Key prefix of the partition: the object's folder, ending in `/`. */
  partitionPrefix: string;
  /** The `loc` partition value: which folder of which bucket (see {@link locationId}). */
  loc: string;
}

export interface SkippedKey {
  kind: 'skip';
  reason: string;
  source?: string;
}

/** A key that belongs to a source (its `claim_pattern` matches) but does not fit its `key_pattern`. */
export interface QuarantinedKey {
  kind: 'quarantine';
  reason: 'key_pattern_mismatch';
  source: string;
  message: string;
}

/**
 * Decides what a decoded key is: which source, which raw partition, or why it is skipped or
 * quarantined. Pure: the key and configuration in, a verdict out. Which source owns the key is
 * {@link matchSource}'s precedence rule; a key two definitions claim at the same priority is
 * skipped as `ambiguous_source`, never given to whichever loaded first. A key no pattern fits but
 * that a source claims (`claim_pattern`, e.g. anything under `AWSLogs/<acct>/CloudTrail/`) is
 * quarantined with the reason, so its records are never silently lost.
 */
export function classifyKey(
  sources: readonly SourceDefinition[],
  filter: FileFilterConfig,
  bucket: string,
  key: string,
): AcceptedKey | SkippedKey | QuarantinedKey {
  const location = checkLocation(filter, bucket, key);
  if (location !== 'ok') return { kind: 'skip', reason: location };
  if (key.endsWith('/')) return { kind: 'skip', reason: 'folder_marker' };
  const m = matchSource(key, sources);
  if (m.kind === 'skip') return { kind: 'skip', reason: 'source_skip', source: m.source.name };
  if (m.kind === 'ambiguous')
    return { kind: 'skip', reason: 'ambiguous_source', source: m.sources.map((s) => s.name).join(',') };
  if (m.kind === 'match') {
    const { source, groups } = m;
    const expected = filter.buckets?.get(bucket);
    if (expected !== undefined && !expected.includes(source.name))
      return { kind: 'skip', reason: 'source_not_expected_in_bucket', source: source.name };
    const account = source.raw.account_capture ? groups[source.raw.account_capture] : undefined;
    const region = source.raw.region_capture ? groups[source.raw.region_capture] : undefined;
    const verdict = checkAccountRegion(filter, account, region);
    if (verdict !== 'ok') return { kind: 'skip', reason: verdict, source: source.name };
    const partitionPrefix = key.slice(0, key.lastIndexOf('/') + 1);
    return {
      kind: 'accept',
      source,
      values: source.raw.partition_keys.map((k) => groups[k] ?? ''),
      partitionPrefix,
      loc: locationId(bucket, partitionPrefix),
    };
  }
  for (const source of sources) {
    if (source.claimRegex?.test(key)) {
      return {
        kind: 'quarantine',
        reason: 'key_pattern_mismatch',
        source: source.name,
        message: `key is under ${source.name}'s folders but does not fit its key_pattern`,
      };
    }
  }
  return { kind: 'skip', reason: 'no_source' };
}
