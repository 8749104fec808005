import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isGlobLike, literalFilePath } from '../../../lake/duckPaths.ts';
import { parquetOptions } from '../../../lake/parquetOptions.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';
import { refusedCondition } from '../../contentFilter.ts';
import { TRANSFORM_PARQUET } from '../../sinks/parquet/writeParquet.ts';
import type { DayFile } from '../chunkDecoder.ts';
import { docsOf, type FileRowKinds, fileCounts, readFailure, type SqlInputFile } from './sqlDecode.ts';
import type { SqlPlan } from './sqlPlan.ts';

/** The partition column of the one `COPY`: a day, or where a row the plan does not keep goes. */
const PART = 'loglake_part';

/** Partitions of rows that are counted, never published (a day never starts with `_`). */
const SKIP = { control: '_control', unknown: '_unknown', filtered: '_filtered', bad: '_bad' } as const;

/** What {@link sqlDecodeDirect} made of a chunk. */
export type DirectResult =
  | { ok: true; decoded: Map<string, FileCounts>; fallback: Map<string, string>; days: DayFile[] }
  /** The read failed: the caller decodes the chunk the other way, without `culprit` when named. */
  | { ok: false; culprit?: { key: string; reason: string } };

/**
 * Decodes and projects a chunk of one source's files (one compression) straight into Parquet, one
 * file per day, in a single `COPY … PARTITION_BY`: no temporary table holds the rows in between.
 * A row the plan does not keep (a control message, a filtered event, a document with an unknown
 * envelope, an event for the exact decoder) goes to a partition of its own (holding only its
 * `source_key` when such rows may be many), where it is counted; those partitions are never
 * published. A file with an unknown
 * envelope or a flagged event is then taken out of the day files again (they are rewritten without
 * it, which only such rare chunks pay for) and set aside for the JavaScript decoder, as is a file
 * without rows. The counts reconcile like {@link sqlDecodeChunk}'s. When the read fails, nothing is
 * kept and the caller takes the temporary-table path, told which file DuckDB named.
 */
export async function sqlDecodeDirect(
  duck: DuckDBConnection,
  plan: SqlPlan,
  files: readonly SqlInputFile[],
  dir: string,
): Promise<DirectResult> {
  if (isGlobLike(dir))
    throw new Error(`internal: a scratch folder looks like a pattern: ${JSON.stringify(dir)}`);
  const names = plan.columns.map((c) => quoteIdent(c.name));
  // Rows of the other partitions are counted, never read: emptied when there may be many of them (a
  // source's filters or the content rules can refuse most events), written whole when only rare
  // ones land there (control messages, unknown envelopes, flagged events), which spares a CASE per
  // column and row (4% of CloudTrail's time).
  const many = plan.source.readready.filters.length > 0 || (plan.source.contentFilters ?? []).length > 0;
  const kept = names.map((n) => (!many || n === '"source_key"' ? n : `CASE WHEN keep THEN ${n} END AS ${n}`));
  // A content rule refuses kept rows, in the order of the rules (a row counts for the first only).
  const rules = plan.source.contentFilters ?? [];
  const refused = rules.map((f) => `WHEN keep AND ${refusedCondition(f)} THEN '_${f.reason}'`).join(' ');
  const part = `CASE ${refused} WHEN keep THEN calendarday WHEN doc_control THEN '${SKIP.control}'
    WHEN doc_unknown THEN '${SKIP.unknown}' WHEN filtered THEN '${SKIP.filtered}' ELSE '${SKIP.bad}' END`;
  const refusedPart = new Set(rules.map((f) => `_${f.reason}`));
  const rows = plan.rows(`(${plan.events(docsOf(plan, files))}) AS events`);
  try {
    // A partition's rows are held until this many are buffered (DuckDB's default is 524,288): one
    // row group's worth keeps a large chunk's memory to that of its open row groups.
    await duck.run(`SET partitioned_write_flush_threshold = ${TRANSFORM_PARQUET.rowGroupSize}`);
    await duck.run(
      `COPY (SELECT ${kept.join(', ')}, ${part} AS ${PART}
        FROM (SELECT *, NOT (doc_control OR doc_unknown OR filtered OR bad) AS keep FROM (${rows})))
       TO ${literalFilePath(dir)} ${parquetOptions({ ...TRANSFORM_PARQUET, partitionBy: [PART], overwrite: true })}`,
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const culprit = readFailure(err, files);
    return { ok: false, ...(culprit === undefined ? {} : { culprit }) };
  }
  const written = await partitionFiles(dir);
  if (written.length === 0) return { ok: true, decoded: new Map(), fallback: noEvents(files), days: [] };
  const counted = await duck.runAndReadAll(
    `SELECT filename, source_key, count(*) AS n FROM read_parquet([${written.map((w) => literalFilePath(w.path)).join(', ')}], filename = true, hive_partitioning = false) GROUP BY ALL`,
  );
  const partOf = new Map(written.map((w) => [w.path, w.part]));
  const perFile = new Map<string, FileRowKinds & { rows: number; refused: Record<string, number> }>();
  const perDayFile = new Map<string, Map<string, number>>();
  for (const r of counted.getRowObjects()) {
    const [path, key, n] = [String(r.filename), String(r.source_key), Number(r.n)];
    const p = partOf.get(path)!;
    const c = perFile.get(key) ?? {
      rows: 0,
      events: 0,
      control: 0,
      unknown: 0,
      filtered: 0,
      bad: 0,
      refused: {},
    };
    if (refusedPart.has(p)) c.refused[p.slice(1)] = (c.refused[p.slice(1)] ?? 0) + n;
    else if (p === SKIP.control) c.control += n;
    else if (p === SKIP.unknown) c.unknown += n;
    else if (p === SKIP.filtered) c.filtered += n;
    else if (p === SKIP.bad) c.bad += n;
    else {
      c.rows += n;
      const day = perDayFile.get(path) ?? new Map<string, number>();
      day.set(key, n);
      perDayFile.set(path, day);
    }
    perFile.set(key, c);
  }
  for (const w of written) if (w.part.startsWith('_')) await rm(w.path, { force: true });
  const decoded = new Map<string, FileCounts>();
  const fallback = new Map<string, string>();
  for (const [key, c] of perFile) {
    const refusedRows = Object.values(c.refused).reduce((a, b) => a + b, 0);
    const verdict = fileCounts({ ...c, events: c.rows + refusedRows + c.filtered + c.bad });
    if (verdict.ok) decoded.set(key, verdict.counts);
    else fallback.set(key, verdict.reason);
  }
  for (const [key, reason] of noEvents(files)) if (!perFile.has(key)) fallback.set(key, reason);
  const days: DayFile[] = [];
  for (const w of written) {
    if (w.part.startsWith('_')) continue;
    const byKey = perDayFile.get(w.path) ?? new Map<string, number>();
    const gone = [...byKey.keys()].filter((k) => fallback.has(k));
    let rowCount = [...byKey.values()].reduce((a, b) => a + b, 0);
    if (gone.length > 0) {
      // Rare: the day's file holds rows of a file the JavaScript decoder takes over. Written again without them.
      rowCount -= gone.reduce((n, k) => n + (byKey.get(k) ?? 0), 0);
      const again = `${w.path}.again`;
      if (rowCount > 0) {
        await duck.run(
          `COPY (SELECT * FROM read_parquet(${literalFilePath(w.path)}, hive_partitioning = false) WHERE source_key NOT IN (${gone.map(quoteLiteral).join(', ')}))
           TO ${literalFilePath(again)} ${parquetOptions(TRANSFORM_PARQUET)}`,
        );
        await rename(again, w.path);
      } else await rm(w.path, { force: true });
    }
    if (rowCount > 0) days.push({ calendarday: w.part, path: w.path, rows: rowCount });
  }
  return { ok: true, decoded, fallback, days };
}

/** Every file, as one without events (the JavaScript decoder then says what it is). */
function noEvents(files: readonly SqlInputFile[]): Map<string, string> {
  return new Map(files.map((f) => [f.key, 'no events']));
}

/** The Parquet files of a partitioned `COPY`, with the partition each lies in. */
async function partitionFiles(dir: string): Promise<{ part: string; path: string }[]> {
  const out: { part: string; path: string }[] = [];
  const prefix = `${PART}=`;
  for (const sub of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (!sub.startsWith(prefix)) continue;
    const part = decodeURIComponent(sub.slice(prefix.length));
    for (const f of (await readdir(join(dir, sub))).sort())
      if (f.endsWith('.parquet')) out.push({ part, path: join(dir, sub, f) });
  }
  return out;
}
