import type { Lake } from '../lake/lake.ts';
import type { LandedFile, ReplayResult } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';

/** What `loglake replay` re-opens; with nothing chosen, set-aside and quarantined files. */
export interface ReplayRequest {
  /** Batches set aside after repeated failures. */
  setAside?: boolean;
  /** Done batches holding a file with a quarantine record (whole file, or some of its events). */
  quarantined?: boolean;
  /** Done batches holding a file of this source (after its definition was fixed). */
  source?: string;
  /** With `source`: only files whose raw partition day is on or after / on or before (YYYY-MM-DD). */
  from?: string;
  to?: string;
  /** Done batches holding these raw keys. */
  keys?: string[];
}

/** The raw keys with a quarantine record: `<source>/files/*.json` and the lines of `events/*.jsonl`. */
export async function quarantinedKeys(lake: Lake): Promise<Set<string>> {
  const keys = new Set<string>();
  for await (const o of lake.quarantine.list('')) {
    if (!o.key.endsWith('.json') && !o.key.endsWith('.jsonl')) continue;
    const text = Buffer.from(await lake.quarantine.get(o.key)).toString('utf8');
    for (const line of text.split('\n')) {
      if (line.trim() === '') continue;
      const sourceKey = (JSON.parse(line) as { source_key?: unknown }).source_key;
      if (typeof sourceKey === 'string') keys.add(sourceKey);
    }
  }
  return keys;
}

/**
 * The day (YYYY-MM-DD) of a landed file, from its raw partition values named `year`, `month` and
 * `day` in its source; undefined when the source has no such keys.
 */
export function fileDay(file: LandedFile, source: SourceDefinition | undefined): string | undefined {
  const names = source?.raw.partition_keys ?? [];
  const at = (n: string) => file.partition[names.indexOf(n)];
  const [y, m, d] = [at('year'), at('month'), at('day')];
  return y && m && d ? `${y}-${m}-${d}` : undefined;
}

/**
 * Re-opens, in the ledger, the whole original batches holding the files asked for, with their ids:
 * the next transform re-runs each batch and overwrites its outputs (and removes the ones it no
 * longer writes), so replay never adds duplicate rows and can be asked twice.
 */
export async function replay(lake: Lake, req: ReplayRequest): Promise<ReplayResult> {
  const none = !req.setAside && !req.quarantined && req.source === undefined && req.keys === undefined;
  const setAside = none || req.setAside === true;
  const wanted = new Set(req.keys ?? []);
  if (none || req.quarantined) for (const k of await quarantinedKeys(lake)) wanted.add(k);
  const sources = new Map(lake.sources.map((s) => [s.name, s]));
  const inRange = (f: LandedFile) => {
    if (req.from === undefined && req.to === undefined) return true;
    const day = fileDay(f, sources.get(f.source));
    return (
      day !== undefined &&
      (req.from === undefined || day >= req.from) &&
      (req.to === undefined || day <= req.to)
    );
  };
  const match = (f: LandedFile) => wanted.has(f.key) || (f.source === req.source && inRange(f));
  return lake.ledger.replay({
    setAside,
    match: wanted.size > 0 || req.source !== undefined ? match : undefined,
  });
}
