import type { DuckDBConnection } from '@duckdb/node-api';
import { literalFilePath } from '../../../lake/duckPaths.ts';
import { errorMessage } from '../../../lake/errors.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';
import type { SqlPlan } from './sqlPlan.ts';

/** One raw file as a local path, for the SQL engine. */
export interface SqlInputFile {
  /** The raw object key: the lineage `source_key`. */
  key: string;
  path: string;
  /** Sniffed by magic bytes, never by name: DuckDB itself goes by the suffix. */
  compression: 'gzip' | 'uncompressed';
  /** Bytes on disk. */
  bytes: number;
}

/** What DuckDB made of one chunk of one source's files. */
export interface SqlChunkResult {
  /** Files DuckDB decoded, with their reconciliation counts. */
  decoded: Map<string, FileCounts>;
  /** Files for the JavaScript decoder instead, with why: it finds the exact quarantine reason. */
  fallback: Map<string, string>;
  /** Temporary table holding exactly the output rows of the decoded files (plus `file`, `calendarday`). */
  rowsTable: string;
}

/** `in file "<path>"`, as DuckDB names the file a read failed on. */
const FAILED_FILE = /in file "([^"]+)"/;

/**
 * Files per read_json once a read has failed: a chunk is read whole (one query, the cheapest while
 * every file reads), and a read that names a bad file goes on in slices this size, so each further
 * bad file costs a second read of its slice only.
 */
const SLICE_FILES = 64;

/** DuckDB's message, without the document text some of its errors quote (events hold secrets). */
const firstLine = (err: unknown) =>
  (errorMessage(err).split('\n')[0] ?? '').replace(/(in record\/value \d+):.*$/, '$1');

/**
 * The documents of `files` (one compression) with the raw key of each as `file`, for
 * {@link SqlPlan.events}: `read_json` of them all, joined to their keys by path.
 */
export function docsOf(plan: SqlPlan, files: readonly SqlInputFile[]): string {
  const list = files.map((f) => literalFilePath(f.path)).join(', ');
  const keys = files.map((f) => `(${literalFilePath(f.path)}, ${quoteLiteral(f.key)})`).join(', ');
  const compression = files[0]?.compression ?? 'gzip';
  // No document is bigger than its file; a gzip file's documents are bounded by a generous
  // multiple, and one beyond it fails the read and goes to the JavaScript decoder.
  const largest = Math.max(...files.map((f) => f.bytes));
  const maxObject = Math.max(
    1024 * 1024,
    compression === 'gzip' ? Math.min(64 * 1024 * 1024, largest * 32) : largest + 1,
  );
  return `(SELECT k.file, d.* EXCLUDE (filename)
    FROM read_json([${list}], format = 'unstructured', records = true, compression = '${compression}',
      filename = true, maximum_object_size = ${maxObject}, columns = ${plan.docColumns}) d
    JOIN (VALUES ${keys}) k(path, file) ON k.path = d.filename)`;
}

/** The file a failed read names, with why, or `undefined` when it names none of `files`. */
export function readFailure(
  err: unknown,
  files: readonly SqlInputFile[],
): { key: string; reason: string } | undefined {
  const path = FAILED_FILE.exec(errorMessage(err))?.[1];
  const file = path === undefined ? undefined : files.find((f) => f.path === path);
  return file === undefined
    ? undefined
    : { key: file.key, reason: `DuckDB could not read it: ${firstLine(err)}` };
}

/** How many of a file's rows of each kind DuckDB read (`events` are its non-control events). */
export interface FileRowKinds {
  events: number;
  control: number;
  unknown: number;
  filtered: number;
  bad: number;
  /** Kept events a content rule refused, by the rule's skip reason. */
  refused?: Readonly<Record<string, number>>;
}

/**
 * A file's reconciliation counts from the kinds of its rows, or why the JavaScript decoder must take
 * it: documents with an unknown envelope, or events the plan flagged.
 */
export function fileCounts(
  k: FileRowKinds,
): { ok: true; counts: FileCounts } | { ok: false; reason: string } {
  if (k.unknown > 0) return { ok: false, reason: `${k.unknown} documents with an unknown envelope` };
  if (k.bad > 0) return { ok: false, reason: `${k.bad} events for the exact decoder` };
  const skipped: Record<string, number> = {};
  if (k.control > 0) skipped.control_message = k.control;
  if (k.filtered > 0) skipped.filtered = k.filtered;
  let refused = 0;
  for (const [reason, n] of Object.entries(k.refused ?? {})) {
    skipped[reason] = n;
    refused += n;
  }
  return {
    ok: true,
    counts: {
      eventsIn: k.events + k.control,
      rows: k.events - k.filtered - refused,
      skipped,
      quarantined: 0,
      quarantinedByReason: {},
    },
  };
}

/**
 * Sets aside, as `no events`, every file of `files` neither decoded nor set aside already: a file
 * without a single row (no documents, or only empty ones) may be an error for its framing, which
 * the exact decoder says.
 */
export function setAsideWithoutRows(
  files: readonly SqlInputFile[],
  decoded: ReadonlyMap<string, FileCounts>,
  fallback: Map<string, string>,
): void {
  for (const f of files) if (!decoded.has(f.key) && !fallback.has(f.key)) fallback.set(f.key, 'no events');
}

/**
 * Decodes and projects a chunk of one source's files with DuckDB, by the source's {@link SqlPlan},
 * in one pass: `read_json` → unnest events → typed rows in a temporary table. A file DuckDB cannot
 * read (it names it in the error) is set aside for the JavaScript decoder and the rest is read
 * again; so is every file with an unknown envelope, no events, or an event the plan flags. The
 * counts of the decoded files reconcile like the JavaScript decoder's: `eventsIn = rows + skipped`.
 * Files in `setAside` (key → why) are not read: they are already known to be for that decoder.
 */
export async function sqlDecodeChunk(
  duck: DuckDBConnection,
  plan: SqlPlan,
  files: readonly SqlInputFile[],
  tag: string,
  opts: { setAside?: ReadonlyMap<string, string> } = {},
): Promise<SqlChunkResult> {
  const t = (name: string) => quoteIdent(`${name}_${tag}`);
  const fallback = new Map(opts.setAside ?? []);
  const rowsTable = t('rows');
  const loaded: string[] = [];
  // One read_json per compression (it takes one): the whole group at once, then, after a file
  // DuckDB names as bad, the rest of that read in slices.
  for (const compression of ['gzip', 'uncompressed'] as const) {
    const table = t(`rows_${compression}`);
    const group = files.filter((f) => f.compression === compression && !fallback.has(f.key));
    let created = false;
    const reads = group.length > 0 ? [group] : [];
    for (let read = reads.shift(); read !== undefined; read = reads.shift()) {
      let remaining = read;
      while (remaining.length > 0) {
        const rows = plan.rows(`(${plan.events(docsOf(plan, remaining))}) AS events`);
        try {
          await duck.run(
            created ? `INSERT INTO ${table} ${rows}` : `CREATE OR REPLACE TEMP TABLE ${table} AS ${rows}`,
          );
          created = true;
          break;
        } catch (err) {
          const culprit = readFailure(err, remaining);
          if (culprit === undefined) {
            // Not one file's fault (a field of another type than the plan's, say): the JavaScript
            // decoder handles these files and knows better.
            for (const f of remaining)
              fallback.set(f.key, `DuckDB could not decode the chunk: ${firstLine(err)}`);
            break;
          }
          fallback.set(culprit.key, culprit.reason);
          remaining = remaining.filter((f) => f.key !== culprit.key);
          if (remaining.length > SLICE_FILES) {
            for (let at = SLICE_FILES; at < remaining.length; at += SLICE_FILES)
              reads.push(remaining.slice(at, at + SLICE_FILES));
            remaining = remaining.slice(0, SLICE_FILES);
          }
        }
      }
    }
    if (created) loaded.push(table);
  }
  if (loaded.length === 1) await duck.run(`ALTER TABLE ${loaded[0]} RENAME TO ${quoteIdent(`rows_${tag}`)}`);
  else if (loaded.length > 1) {
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE ${rowsTable} AS ${loaded.map((l) => `SELECT * FROM ${l}`).join(' UNION ALL ')}`,
    );
    for (const l of loaded) await duck.run(`DROP TABLE ${l}`);
  } else {
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE ${rowsTable} AS SELECT NULL::VARCHAR AS file, NULL::VARCHAR AS calendarday LIMIT 0`,
    );
    return { decoded: new Map(), fallback, rowsTable };
  }
  const stats = await duck.runAndReadAll(
    `SELECT file, count(*) FILTER (WHERE doc_control) AS controls, count(*) FILTER (WHERE doc_unknown) AS unknown,
       count(*) FILTER (WHERE NOT doc_control AND NOT doc_unknown) AS events,
       count(*) FILTER (WHERE filtered) AS filtered, count(*) FILTER (WHERE bad) AS bad
     FROM ${rowsTable} GROUP BY file`,
  );
  const decoded = new Map<string, FileCounts>();
  for (const r of stats.getRowObjects()) {
    const key = String(r.file);
    const verdict = fileCounts({
      events: Number(r.events),
      control: Number(r.controls),
      unknown: Number(r.unknown),
      filtered: Number(r.filtered),
      bad: Number(r.bad),
    });
    if (verdict.ok) decoded.set(key, verdict.counts);
    else fallback.set(key, verdict.reason);
  }
  setAsideWithoutRows(files, decoded, fallback);
  const gone = [...fallback.keys()].map(quoteLiteral);
  await duck.run(
    `DELETE FROM ${rowsTable} WHERE filtered OR bad OR doc_control OR doc_unknown` +
      (gone.length > 0 ? ` OR file IN (${gone.join(', ')})` : ''),
  );
  return { decoded, fallback, rowsTable };
}
