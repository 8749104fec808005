import { drainQueue } from '../../addapart/drainQueue.ts';
import type { LoglakeConfigInput, TransformEngine } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { runTransform, type TransformSummary } from '../../transform/runTransform.ts';
import { tempLake } from './tempLake.ts';

/** A raw file to land: its key and its bytes. */
export interface RawFile {
  key: string;
  body: Uint8Array | string;
}

/** A lake that ran the pipeline over some files; `done()` removes it. */
export interface PipelineRun {
  lake: Lake;
  summary: TransformSummary;
  dir: string;
  done(): Promise<void>;
}

/** A fresh embedded lake with `files` landed, registered (addapart) and transformed by `engine`. */
export async function runPipeline(
  engine: TransformEngine,
  files: readonly RawFile[],
  config: LoglakeConfigInput = {},
): Promise<PipelineRun> {
  const t = await tempLake({
    ...config,
    transform: { engine, maxFiles: 1000, maxBytes: 1e9, ...config.transform },
  });
  for (const f of files) await t.lake.raw.put(f.key, f.body);
  await drainQueue(t.lake);
  const summary = await runTransform(t.lake);
  return { lake: t.lake, summary, dir: t.dir, done: t.done };
}

/** Rows of a query on the lake's query engine, as plain JSON values. */
export async function queryRows(
  lake: Lake,
  sql: string,
  params: readonly (string | number | boolean | null)[] = [],
): Promise<Record<string, unknown>[]> {
  const engine = await lake.openQueryEngine();
  try {
    const rows = (await engine.query(sql, params)).rows;
    return JSON.parse(JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)));
  } finally {
    await engine.close();
  }
}

/** Row count and a checksum per column of a table: equal fingerprints mean equal rows. */
export async function fingerprint(lake: Lake, table: string): Promise<Record<string, string>> {
  const cols = (await queryRows(lake, `DESCRIBE ${table}`)).map((r) => String(r.column_name));
  const sums = cols.map((c) => `sum(hash("${c}"))::VARCHAR AS "${c}"`).join(', ');
  const [row] = await queryRows(lake, `SELECT count(*)::VARCHAR AS n, ${sums} FROM ${table}`);
  return Object.fromEntries(Object.entries(row ?? {}).map(([k, v]) => [k, String(v)]));
}

/** What a run did, engine-independently: totals (without the JavaScript-only decompressed size) and quarantine reasons. */
export function outcomeOf(s: TransformSummary): { totals: unknown; files: string[]; events: number } {
  const { bytesUncompressed: _u, ...totals } = s.totals;
  const files = s.runs
    .flatMap((r) => r.quarantinedFiles.map((q) => `${q.key}: ${q.reason}: ${q.message}`))
    .sort();
  return { totals, files, events: s.totals.quarantined };
}
