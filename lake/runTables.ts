import type { SourceDefinition } from '../sources/loader.ts';
import type { ColumnDef, TableDef } from './ports.ts';
import type { RunManifest } from './runManifest.ts';

/** Columns of `loglake_runs`: one row per transform run, from its run manifest. */
export const LOGLAKE_RUNS_COLUMNS: readonly ColumnDef[] = [
  { name: 'run_id', type: 'string' },
  { name: 'batch_id', type: 'string' },
  { name: 'started_at', type: 'timestamp' },
  { name: 'finished_at', type: 'timestamp' },
  { name: 'elapsed_ms', type: 'bigint' },
  { name: 'files', type: 'bigint' },
  { name: 'files_quarantined', type: 'bigint' },
  { name: 'events_in', type: 'bigint' },
  { name: 'rows_written', type: 'bigint' },
  { name: 'events_skipped', type: 'bigint' },
  { name: 'events_quarantined', type: 'bigint' },
  { name: 'reconciled', type: 'boolean' },
  { name: 'complete', type: 'boolean' },
  { name: 'outputs', type: 'bigint' },
  { name: 'manifest_key', type: 'string' },
];

/**
 * Columns of `loglake_run_files`: one row per raw file of each run, `processed` or `quarantined`
 * (with the reason). `raw_day` is `YYYY-MM-DD` from the raw partition's year, month and day.
 */
export const LOGLAKE_RUN_FILES_COLUMNS: readonly ColumnDef[] = [
  { name: 'run_id', type: 'string' },
  { name: 'started_at', type: 'timestamp' },
  { name: 'source', type: 'string' },
  { name: 'source_key', type: 'string' },
  { name: 'raw_day', type: 'string' },
  { name: 'outcome', type: 'string' },
  { name: 'reason', type: 'string' },
  { name: 'message', type: 'string' },
];

export type RunRow = Record<string, string | number | boolean | null>;

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** The raw partition's day, when the source's partition keys include year, month and day. */
function rawDay(source: SourceDefinition | undefined, partition: readonly string[]): string | null {
  if (!source) return null;
  const keys = source.raw.partition_keys;
  const at = (k: string) => partition[keys.indexOf(k)];
  const [y, m, d] = [at('year'), at('month'), at('day')];
  return y && m && d ? `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}` : null;
}

/**
 * The rows one run manifest gives the two reconciliation tables. A manifest from before `inputs`
 * was recorded lists only its quarantined files.
 */
export function runTableRows(
  manifest: RunManifest,
  manifestKey: string,
  sources: readonly SourceDefinition[],
): { run: RunRow; files: RunRow[] } {
  const t = manifest.totals;
  const run: RunRow = {
    run_id: manifest.runId,
    batch_id: manifest.batchId,
    started_at: manifest.startedAt,
    finished_at: manifest.finishedAt,
    elapsed_ms: manifest.elapsedMs,
    files: t.files,
    files_quarantined: t.filesQuarantined,
    events_in: t.eventsIn,
    rows_written: t.rows,
    events_skipped: sum(t.skipped),
    events_quarantined: t.quarantined,
    reconciled: manifest.reconciled,
    // Manifests from before `complete` was recorded leave it unknown.
    complete: (manifest as { complete?: boolean }).complete ?? null,
    outputs: manifest.outputs.length,
    manifest_key: manifestKey,
  };
  const byName = new Map(sources.map((s) => [s.name, s]));
  const quarantined = new Map(manifest.quarantinedFiles.map((q) => [q.key, q]));
  const inputs =
    manifest.inputs ??
    manifest.quarantinedFiles.map((q) => ({ key: q.key, source: 'unknown', partition: [] as string[] }));
  const files = inputs.map((f): RunRow => {
    const q = quarantined.get(f.key);
    return {
      run_id: manifest.runId,
      started_at: manifest.startedAt,
      source: f.source,
      source_key: f.key,
      raw_day: rawDay(byName.get(f.source), f.partition),
      outcome: q ? 'quarantined' : 'processed',
      reason: q?.reason ?? null,
      message: q?.message ?? null,
    };
  });
  return { run, files };
}

/** Catalog definitions of the two run tables: JSON lines under the control location's `tables/`. */
export function runTableDefs(database: string, tablesLocation: (name: string) => string): TableDef[] {
  return [
    ['loglake_runs', LOGLAKE_RUNS_COLUMNS],
    ['loglake_run_files', LOGLAKE_RUN_FILES_COLUMNS],
  ].map(([name, columns]) => ({
    database,
    name: name as string,
    location: tablesLocation(name as string),
    format: 'json' as const,
    columns: [...(columns as readonly ColumnDef[])],
    partitionKeys: [],
    parameters: { 'loglake.layer': 'control', classification: 'json' },
  }));
}

/**
 * The rows as JSON lines for the run tables' JSON SerDe: timestamps as `YYYY-MM-DD HH:MM:SS.fff`
 * (UTC), the form Hive and Athena parse as TIMESTAMP.
 */
export function runTableNdjson(columns: readonly ColumnDef[], rows: readonly RunRow[]): string {
  return rows
    .map((r) => {
      const out: RunRow = {};
      for (const c of columns) {
        const v = r[c.name] ?? null;
        out[c.name] =
          c.type === 'timestamp' && typeof v === 'string'
            ? new Date(v).toISOString().replace('T', ' ').replace('Z', '')
            : v;
      }
      return `${JSON.stringify(out)}\n`;
    })
    .join('');
}
