import { readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isGlobLike, literalFilePath, readLocalParquet } from '../../../lake/duckPaths.ts';
import { parquetOptions } from '../../../lake/parquetOptions.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';
import { refusedCondition } from '../../contentFilter.ts';
import { TRANSFORM_PARQUET } from '../../sinks/parquet/writeParquet.ts';
import type { DayFile } from '../chunkDecoder.ts';
import {
  docsOf,
  type FileRowKinds,
  fileCounts,
  readFailure,
  type SqlInputFile,
  setAsideWithoutRows,
} from './sqlDecode.ts';
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
 * envelope, an event for the exact decoder, a row a content rule refuses) goes to a partition of its
 * own, where it is counted; those partitions are never published. A file with an unknown envelope
 * or a flagged event is then taken out of the day files again (they are written again without it,
 * which only such rare chunks pay for) and set aside for the JavaScript decoder, as is a file
 * without rows. The counts reconcile like {@link sqlDecodeChunk}'s. When the read fails, nothing is
 * kept, and the caller is told which file DuckDB named.
 */
export async function sqlDecodeDirect(
  duck: DuckDBConnection,
  plan: SqlPlan,
  files: readonly SqlInputFile[],
  dir: string,
): Promise<DirectResult> {
  if (isGlobLike(dir))
    throw new Error(`internal: a scratch folder looks like a pattern: ${JSON.stringify(dir)}`);
  try {
    // A partition's rows are held until this many are buffered (DuckDB's default is 524,288).
    await duck.run(`SET partitioned_write_flush_threshold = ${TRANSFORM_PARQUET.rowGroupSize}`);
    await duck.run(
      `COPY (${partitionedRows(plan, files)}) TO ${literalFilePath(dir)} ` +
        parquetOptions({ ...TRANSFORM_PARQUET, partitionBy: [PART], overwrite: true }),
    );
  } catch (err) {
    await rm(dir, { recursive: true, force: true });
    const culprit = readFailure(err, files);
    return { ok: false, ...(culprit === undefined ? {} : { culprit }) };
  }
  const written = await partitionFiles(dir);
  if (written.length === 0) {
    const fallback = new Map<string, string>();
    setAsideWithoutRows(files, new Map(), fallback);
    return { ok: true, decoded: new Map(), fallback, days: [] };
  }
  const { perFile, perDay } = await tally(duck, written, plan);
  for (const w of written) if (w.part.startsWith('_')) await rm(w.path, { force: true });
  const decoded = new Map<string, FileCounts>();
  const fallback = new Map<string, string>();
  for (const [key, kinds] of perFile) {
    const verdict = fileCounts(kinds);
    if (verdict.ok) decoded.set(key, verdict.counts);
    else fallback.set(key, verdict.reason);
  }
  setAsideWithoutRows(files, decoded, fallback);
  const days = await withoutSetAside(
    duck,
    written.filter((w) => !w.part.startsWith('_')),
    perDay,
    fallback,
  );
  return { ok: true, decoded, fallback, days };
}

/** The chunk's rows, each with the partition it goes to ({@link PART}). */
function partitionedRows(plan: SqlPlan, files: readonly SqlInputFile[]): string {
  const rules = plan.source.contentFilters ?? [];
  // Rows of the other partitions are counted, never read: emptied when there may be many of them (a
  // source's filters or the content rules can refuse most events), written whole when only rare
  // ones land there (control messages, unknown envelopes, flagged events), which spares a CASE per
  // column and row (4% of CloudTrail's time). A refused row keeps its columns either way.
  const many = plan.source.readready.filters.length > 0 || rules.length > 0;
  const columns = plan.columns
    .map((c) => quoteIdent(c.name))
    .map((n) => (!many || n === '"source_key"' ? n : `CASE WHEN keep THEN ${n} END AS ${n}`));
  // The content rules refuse kept rows, in their order (a row counts for the first that refuses it).
  const refused = rules.map((f) => `WHEN keep AND ${refusedCondition(f)} THEN '_${f.reason}'`).join(' ');
  const part = `CASE ${refused} WHEN keep THEN calendarday WHEN doc_control THEN '${SKIP.control}'
    WHEN doc_unknown THEN '${SKIP.unknown}' WHEN filtered THEN '${SKIP.filtered}' ELSE '${SKIP.bad}' END`;
  const rows = plan.rows(`(${plan.events(docsOf(plan, files))}) AS events`);
  return `SELECT ${columns.join(', ')}, ${part} AS ${PART}
    FROM (SELECT *, NOT (doc_control OR doc_unknown OR filtered OR bad) AS keep FROM (${rows}))`;
}

/** Each file's rows by kind, and each day file's rows by file, from the written `source_key`s. */
async function tally(
  duck: DuckDBConnection,
  written: readonly PartitionFile[],
  plan: SqlPlan,
): Promise<{ perFile: Map<string, FileRowKinds>; perDay: Map<string, Map<string, number>> }> {
  const refusedPart = new Set((plan.source.contentFilters ?? []).map((f) => `_${f.reason}`));
  const partOf = new Map(written.map((w) => [w.path, w.part]));
  const counted = await duck.runAndReadAll(
    `SELECT filename, source_key, count(*) AS n
     FROM ${readLocalParquet(
       written.map((w) => w.path),
       { filename: true },
     )}
     GROUP BY ALL`,
  );
  const perFile = new Map<string, FileRowKinds & { refused: Record<string, number> }>();
  const perDay = new Map<string, Map<string, number>>();
  for (const r of counted.getRowObjects()) {
    const [path, key, n] = [String(r.filename), String(r.source_key), Number(r.n)];
    const p = partOf.get(path)!;
    const c = perFile.get(key) ?? { events: 0, control: 0, unknown: 0, filtered: 0, bad: 0, refused: {} };
    perFile.set(key, c);
    // Every row but a control message or a document of an unknown envelope is one of the file's events.
    if (p === SKIP.control) c.control += n;
    else if (p === SKIP.unknown) c.unknown += n;
    else {
      c.events += n;
      if (refusedPart.has(p)) c.refused[p.slice(1)] = (c.refused[p.slice(1)] ?? 0) + n;
      else if (p === SKIP.filtered) c.filtered += n;
      else if (p === SKIP.bad) c.bad += n;
      else perDay.set(path, (perDay.get(path) ?? new Map<string, number>()).set(key, n));
    }
  }
  return { perFile, perDay };
}

/** The day files, each written again without the rows of files set aside (rare), with their counts. */
async function withoutSetAside(
  duck: DuckDBConnection,
  dayFiles: readonly PartitionFile[],
  perDay: ReadonlyMap<string, ReadonlyMap<string, number>>,
  setAside: ReadonlyMap<string, string>,
): Promise<DayFile[]> {
  const days: DayFile[] = [];
  for (const w of dayFiles) {
    const byKey = [...(perDay.get(w.path) ?? new Map<string, number>())];
    const rows = byKey.filter(([k]) => !setAside.has(k)).reduce((a, [, n]) => a + n, 0);
    const gone = byKey.filter(([k]) => setAside.has(k)).map(([k]) => quoteLiteral(k));
    if (rows === 0) {
      await rm(w.path, { force: true });
      continue;
    }
    if (gone.length > 0) {
      const again = `${w.path}.again`;
      await duck.run(
        `COPY (SELECT * FROM ${readLocalParquet([w.path])} WHERE source_key NOT IN (${gone.join(', ')}))
         TO ${literalFilePath(again)} ${parquetOptions(TRANSFORM_PARQUET)}`,
      );
      await rename(again, w.path);
    }
    days.push({ calendarday: w.part, path: w.path, rows });
  }
  return days;
}

/** A Parquet file of the partitioned `COPY`, and the partition it lies in. */
interface PartitionFile {
  part: string;
  path: string;
}

/** The Parquet files of a partitioned `COPY`. */
async function partitionFiles(dir: string): Promise<PartitionFile[]> {
  const out: PartitionFile[] = [];
  const prefix = `${PART}=`;
  for (const sub of (await readdir(dir).catch(() => [] as string[])).sort()) {
    if (!sub.startsWith(prefix)) continue;
    const part = decodeURIComponent(sub.slice(prefix.length));
    for (const f of (await readdir(join(dir, sub))).sort())
      if (f.endsWith('.parquet')) out.push({ part, path: join(dir, sub, f) });
  }
  return out;
}
