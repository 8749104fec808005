import type { DuckDBConnection } from '@duckdb/node-api';
import { errorMessage } from '../lake/errors.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import type { FileCounts } from './decodeFile.ts';
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
 * Decodes and projects a chunk of one source's files with DuckDB, by the source's {@link SqlPlan}:
 * `read_json` over the decompressed files → unnest events → typed rows, in a temporary table. A file
 * DuckDB cannot read (it names it in the error) is set aside for the JavaScript decoder and the rest
 * is read again; so is every file with an unknown envelope, no document, or an event the plan
 * flags. The counts of the decoded files reconcile like the JavaScript decoder's:
 * `eventsIn = rows + skipped`.
 */
export async function sqlDecodeChunk(
  duck: DuckDBConnection,
  plan: SqlPlan,
  files: readonly SqlInputFile[],
  tag: string,
): Promise<SqlChunkResult> {
  const t = (name: string) => quoteIdent(`${name}_${tag}`);
  const fallback = new Map<string, string>();
  const rowsTable = t('rows');
  const dropDocs = () =>
    duck.run(
      `DROP VIEW IF EXISTS ${t('docs')}; DROP TABLE IF EXISTS ${t('docs_gzip')}; ` +
        `DROP TABLE IF EXISTS ${t('docs_uncompressed')}; DROP TABLE IF EXISTS ${t('ev')}`,
    );
  const empty = async (): Promise<SqlChunkResult> => {
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE ${rowsTable} AS SELECT NULL::VARCHAR AS file, NULL::VARCHAR AS calendarday LIMIT 0`,
    );
    return { decoded: new Map(), fallback, rowsTable };
  };
  // One read_json per compression (it takes one); each reads again without a file it names as bad.
  const loaded: SqlInputFile[] = [];
  const parts: string[] = [];
  for (const compression of ['gzip', 'uncompressed'] as const) {
    let remaining = files.filter((f) => f.compression === compression);
    const docs = t(`docs_${compression}`);
    while (remaining.length > 0) {
      const byPath = new Map(remaining.map((f) => [f.path, f]));
      const list = remaining.map((f) => quoteLiteral(f.path)).join(', ');
      const keys = remaining.map((f) => `(${quoteLiteral(f.path)}, ${quoteLiteral(f.key)})`).join(', ');
      // No document is bigger than its file; a gzip file's documents are bounded by a generous
      // multiple, and one beyond it fails the read and goes to the JavaScript decoder.
      const largest = Math.max(...remaining.map((f) => f.bytes));
      const maxObject = Math.max(
        1024 * 1024,
        compression === 'gzip' ? Math.min(64 * 1024 * 1024, largest * 32) : largest + 1,
      );
      try {
        await duck.run(
          `CREATE OR REPLACE TEMP TABLE ${docs} AS SELECT k.file, d.* EXCLUDE (filename)
           FROM read_json([${list}], format = 'unstructured', records = true, compression = '${compression}',
             filename = true, maximum_object_size = ${maxObject}, columns = ${plan.docColumns}) d
           JOIN (VALUES ${keys}) k(path, file) ON k.path = d.filename`,
        );
        loaded.push(...remaining);
        parts.push(`SELECT * FROM ${docs}`);
        break;
      } catch (err) {
        const message = errorMessage(err);
        const culprit = byPath.get(FAILED_FILE.exec(message)?.[1] ?? '');
        if (culprit === undefined) {
          for (const f of remaining)
            fallback.set(f.key, `DuckDB could not read the chunk: ${message.split('\n')[0]}`);
          break;
        }
        fallback.set(culprit.key, `DuckDB could not read it: ${message.split('\n')[0]}`);
        remaining = remaining.filter((f) => f !== culprit);
      }
    }
  }
  if (parts.length === 0) return empty();
  await duck.run(`CREATE OR REPLACE TEMP VIEW ${t('docs')} AS ${parts.join(' UNION ALL ')}`);
  const remaining = loaded;
  try {
    await duck.run(
      `CREATE OR REPLACE TEMP TABLE ${rowsTable} AS ${plan.rows(`(${plan.events(t('docs'))}) AS events`)}`,
    );
  } catch (err) {
    // A shape the plan's types do not fit (a field of another type): the JavaScript decoder knows better.
    for (const f of remaining)
      fallback.set(f.key, `DuckDB could not project it: ${errorMessage(err).split('\n')[0]}`);
    await dropDocs();
    return empty();
  }
  const docStats = await duck.runAndReadAll(plan.docStats(t('docs')));
  const rowStats = await duck.runAndReadAll(
    `SELECT file, count(*) AS events, count(*) FILTER (WHERE filtered) AS filtered,
       count(*) FILTER (WHERE bad) AS bad FROM ${rowsTable} GROUP BY file`,
  );
  await dropDocs();
  const rowsBy = new Map(rowStats.getRowObjects().map((r) => [String(r.file), r]));
  const decoded = new Map<string, FileCounts>();
  const seen = new Set<string>();
  for (const d of docStats.getRowObjects()) {
    const key = String(d.file);
    seen.add(key);
    const r = rowsBy.get(key);
    const [controls, unknown] = [Number(d.controls), Number(d.unknown)];
    const [events, filtered, bad] = [Number(r?.events ?? 0), Number(r?.filtered ?? 0), Number(r?.bad ?? 0)];
    if (unknown > 0) fallback.set(key, `${unknown} documents with an unknown envelope`);
    else if (bad > 0) fallback.set(key, `${bad} events for the exact decoder`);
    else {
      const skipped: Record<string, number> = {};
      if (controls > 0) skipped.control_message = controls;
      if (filtered > 0) skipped.filtered = filtered;
      decoded.set(key, {
        eventsIn: events + controls,
        rows: events - filtered,
        skipped,
        quarantined: 0,
        quarantinedByReason: {},
      });
    }
  }
  // A file without a single document is an error for some framings: let the exact decoder say.
  for (const f of remaining) if (!seen.has(f.key)) fallback.set(f.key, 'no JSON document');
  const gone = [...fallback.keys()].map(quoteLiteral);
  await duck.run(
    `DELETE FROM ${rowsTable} WHERE filtered OR bad${gone.length > 0 ? ` OR file IN (${gone.join(', ')})` : ''}`,
  );
  return { decoded, fallback, rowsTable };
}
