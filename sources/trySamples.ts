import { DecodeError, type QuarantineReason } from '../lake/errors.ts';
import type { FileCounts } from '../lake/runManifest.ts';
import { addCounts, emptyCounts, isReconciled } from '../transform/accounting.ts';
import { decodeFile } from '../transform/decoders/js/decodeFile.ts';
import { compileProjector, type Event, type Projector } from '../transform/decoders/js/project.ts';
import { closest } from './closest.ts';
import type { SourceDefinition } from './loader.ts';
import { matchSource, type PrecedenceConflict, precedenceConflicts } from './match.ts';
import type { ColumnSpec } from './schema.ts';

/** One sample file and the raw key it stands for. */
export interface Sample {
  /** Where the sample was read from (for messages). */
  file: string;
  /** The raw object key the file would have in the raw bucket. */
  key: string;
  bytes: Uint8Array;
}

/** What happened to one sample. */
export interface SampleResult {
  file: string;
  key: string;
  /** The source that owns the key under the precedence rule, if any. */
  owner?: string;
  /** Every definition whose key pattern (and key filters) accept the key. */
  matchedBy: string[];
  /** The key belongs to the tested definition. */
  matches: boolean;
  /** Why not, when it does not. */
  problem?: string;
  /** The tested definition's partition values for the key, when its pattern matches. */
  partition?: Record<string, string>;
  counts: FileCounts;
  /** Set when the whole file would be quarantined. */
  quarantined?: { reason: QuarantineReason; message: string };
  /** Events quarantined alone, by reason and column. */
  rejected: { index: number; reason: string; column?: string }[];
}

/** Fill rate of one readready column over the decoded rows. */
export interface ColumnFill {
  name: string;
  type: ColumnSpec['type'];
  filled: number;
  rows: number;
  /** The paths the column reads that never occur in the samples, each with the closest path that does. */
  missingPaths: { path: string; closest?: string }[];
}

/** The whole dry run: enough to fix a definition before it meets the lake. */
export interface TryReport {
  definition: SourceDefinition;
  samples: SampleResult[];
  /** The first `maxRows` rows, as the readready table would hold them (with `calendarday`). */
  rows: Record<string, unknown>[];
  columns: ColumnFill[];
  totals: FileCounts;
  /** events in = rows + skipped + quarantined, over every sample. */
  reconciled: boolean;
  /** Paths the definition reads (time, filters, `when`) that no sample event has. */
  warnings: string[];
  /** Keys (samples and example keys) two definitions claim at the same priority. */
  conflicts: PrecedenceConflict[];
  /** No conflict, every sample is the definition's, and no column is empty everywhere. */
  ok: boolean;
}

/** Every dot path that holds a value in an event (objects only; arrays are leaves). */
function collectPaths(value: unknown, prefix: string, into: Set<string>, depth = 0): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || depth > 12) return;
  for (const [k, v] of Object.entries(value as Event)) {
    if (v === undefined) continue;
    const path = prefix === '' ? k : `${prefix}.${k}`;
    if (into.size >= 20_000) return;
    into.add(path);
    collectPaths(v, path, into, depth + 1);
  }
}

const columnPaths = (col: ColumnSpec) => (col.first ?? [{ path: col.path as string }]).map((a) => a.path);

/**
 * Dry-runs a definition on sample files, with no lake: which source each sample key goes to (and
 * every other definition that would match it), its partition values, the rows the real decoder
 * makes of it (the transform's own {@link decodeFile} and projector, not a second implementation),
 * fill rates per column with the closest existing path for an empty one, skipped and quarantined
 * events with reasons, and the reconciliation. `others` are the other loaded definitions (built-ins
 * and the configured folders); one with the tested definition's name is replaced by it.
 */
export async function trySamples(
  definition: SourceDefinition,
  samples: readonly Sample[],
  opts: { others?: readonly SourceDefinition[]; maxRows?: number } = {},
): Promise<TryReport> {
  const { others = [], maxRows = 10 } = opts;
  const sources = [...others.filter((s) => s.name !== definition.name), definition];
  const base = compileProjector(definition);
  const seen = new Set<string>();
  const projector: Projector = {
    columns: base.columns,
    project(event, keyJson) {
      collectPaths(event, '', seen);
      return base.project(event, keyJson);
    },
  };
  const totals = emptyCounts();
  const rows: Record<string, unknown>[] = [];
  const filled = new Map<string, number>(definition.readready.columns.map((c) => [c.name, 0]));
  const results: SampleResult[] = [];
  for (const sample of samples) {
    const m = matchSource(sample.key, sources);
    const own = definition.keyRegex.exec(sample.key);
    const matchedBy =
      m.kind === 'match'
        ? [m.source.name, ...m.others.map((s) => s.name)]
        : m.kind === 'ambiguous'
          ? m.sources.map((s) => s.name)
          : [];
    const result: SampleResult = {
      file: sample.file,
      key: sample.key,
      owner: m.kind === 'match' ? m.source.name : undefined,
      matchedBy,
      matches: m.kind === 'match' && m.source === definition,
      partition: own?.groups
        ? Object.fromEntries(definition.raw.partition_keys.map((k) => [k, own.groups?.[k] ?? '']))
        : undefined,
      counts: emptyCounts(),
      rejected: [],
    };
    if (m.kind === 'none')
      result.problem = `no definition matches the key (${definition.name}'s key_pattern ${own ? 'matches but its key_filters refuse it' : 'does not match'})`;
    else if (m.kind === 'skip')
      result.problem = `a skip pattern of ${m.source.name} matches: the key is never data`;
    else if (m.kind === 'ambiguous')
      result.problem = `matched by ${matchedBy.join(' and ')} at the same priority`;
    else if (m.source !== definition)
      result.problem = `${m.source.name} wins this key (priority ${m.source.raw.priority} over ${definition.raw.priority})`;
    try {
      const decoded = await decodeFile(sample.bytes, sample.key, definition, projector);
      result.counts = decoded.counts;
      result.rejected = decoded.rejected;
      for (const [calendarday, lines] of decoded.rowsByDay) {
        for (const line of lines) {
          const row = JSON.parse(line) as Record<string, unknown>;
          for (const name of Object.keys(row)) if (filled.has(name)) filled.set(name, filled.get(name)! + 1);
          if (rows.length < maxRows) rows.push({ ...row, calendarday });
        }
      }
    } catch (err) {
      if (!(err instanceof DecodeError)) throw err;
      result.quarantined = { reason: err.reason, message: err.message };
      // As transform counts it: the events decoded before the failure are quarantined with the file.
      const decodedBefore = Number(err.context.eventsDecoded ?? 0);
      result.counts = { ...emptyCounts(), eventsIn: decodedBefore, quarantined: decodedBefore };
      if (decodedBefore > 0) result.counts.quarantinedByReason[err.reason] = decodedBefore;
    }
    addCounts(totals, result.counts);
    results.push(result);
  }
  const missing = (path: string) => ({ path, closest: closest(path, seen) });
  const columns: ColumnFill[] = definition.readready.columns.map((c) => ({
    name: c.name,
    type: c.type,
    filled: filled.get(c.name) ?? 0,
    rows: totals.rows,
    missingPaths: columnPaths(c)
      .filter((p) => !seen.has(p))
      .map(missing),
  }));
  const rr = definition.readready;
  const otherPaths = [
    rr.time.path,
    ...rr.filters.map((f) => f.path),
    ...rr.columns.flatMap((c) => (c.first ?? []).flatMap((a) => Object.keys(a.when ?? {}))),
  ];
  const warnings: string[] = [];
  if (seen.size > 0) {
    for (const p of new Set([...otherPaths, ...rr.columns.flatMap(columnPaths)])) {
      if (seen.has(p)) continue;
      const near = closest(p, seen);
      warnings.push(`path ${p} never occurs in the samples${near ? ` (closest: ${near})` : ''}`);
    }
  }
  const conflicts = precedenceConflicts(
    sources,
    samples.map((s) => ({ key: s.key, from: s.file })),
  );
  const reconciled = isReconciled(totals);
  const ok =
    conflicts.length === 0 &&
    results.length > 0 &&
    results.every((r) => r.matches) &&
    columns.every((c) => c.filled > 0);
  return { definition, samples: results, rows, columns, totals, reconciled, warnings, conflicts, ok };
}
