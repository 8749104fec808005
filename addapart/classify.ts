import type { SourceDefinition } from '../sources/loader.ts';
import { matchSource } from '../sources/match.ts';
import { checkAccountRegion, checkLocation, type FileFilterConfig } from './filter.ts';

/** A raw file that belongs to a source and passed the filter. */
export interface AcceptedKey {
  kind: 'accept';
  source: SourceDefinition;
  /** Partition values in the order of the source's `partition_keys`. */
  values: string[];
  /** Key prefix of the partition: the object's folder, ending in `/`. */
  partitionPrefix: string;
}

export interface SkippedKey {
  kind: 'skip';
  reason: string;
  source?: string;
}

/**
 * Decides what a decoded key is: which source, which raw partition, or why it is skipped. Pure:
 * the key and configuration in, a verdict out. Which source owns the key is {@link matchSource}'s
 * precedence rule; a key two definitions claim at the same priority is skipped as
 * `ambiguous_source`, never given to whichever loaded first.
 */
export function classifyKey(
  sources: readonly SourceDefinition[],
  filter: FileFilterConfig,
  bucket: string,
  key: string,
): AcceptedKey | SkippedKey {
  const location = checkLocation(filter, bucket, key);
  if (location !== 'ok') return { kind: 'skip', reason: location };
  if (key.endsWith('/')) return { kind: 'skip', reason: 'folder_marker' };
  const m = matchSource(key, sources);
  if (m.kind === 'skip') return { kind: 'skip', reason: 'source_skip', source: m.source.name };
  if (m.kind === 'ambiguous')
    return { kind: 'skip', reason: 'ambiguous_source', source: m.sources.map((s) => s.name).join(',') };
  if (m.kind === 'match') {
    const { source, groups } = m;
    const account = source.raw.account_capture ? groups[source.raw.account_capture] : undefined;
    const region = source.raw.region_capture ? groups[source.raw.region_capture] : undefined;
    const verdict = checkAccountRegion(filter, account, region);
    if (verdict !== 'ok') return { kind: 'skip', reason: verdict, source: source.name };
    return {
      kind: 'accept',
      source,
      values: source.raw.partition_keys.map((k) => groups[k] ?? ''),
      partitionPrefix: key.slice(0, key.lastIndexOf('/') + 1),
    };
  }
  return { kind: 'skip', reason: 'no_source' };
}
