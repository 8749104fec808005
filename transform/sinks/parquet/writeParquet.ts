import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { literalFilePath, readLocalParquet } from '../../../lake/duckPaths.ts';
import { DUCK_TYPES } from '../../../lake/duckTypes.ts';
import { type ParquetWrite, parquetOptions } from '../../../lake/parquetOptions.ts';
import type { ColumnType } from '../../../lake/ports.ts';
import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';
import type { DayFile, SqlRows } from '../../decoders/chunkDecoder.ts';
import type { SpoolFile } from '../../decoders/js/spool.ts';

/** One finished output: a local Parquet file of one table and one calendar day. */
export interface ParquetOutput {
  table: string;
  calendarday: string;
  chunk: number;
  localPath: string;
  rows: number;
  bytes: number;
  /**
   * A `SELECT` of exactly this output's rows from the chunk's temporary tables, when they all came
   * from there (no spool): valid until the sink drops those tables. Extracts read it instead of
   * reading the Parquet file back.
   */
  rowsFrom?: string;
}

/**
 * How transform writes its Parquet files. ZSTD level 1: on the bench's chunks it took 55–80% of the
 * CPU time of DuckDB's default level (3) and its files came out no larger (CloudWatch's 7% smaller,
 * within 1% of level 9); compaction rewrites a day's files at its own level anyway. The writer
 * holds a whole row group: 40,960 rows keeps that near 50 MB for CloudTrail-sized rows (122,880,
 * DuckDB's default, took a 300 MB file's run from 540 MB to 840 MB peak).
 */
export const TRANSFORM_PARQUET = { zstdLevel: 1, rowGroupSize: 40_960 } as const satisfies ParquetWrite;

interface Group {
  table: string;
  calendarday: string;
  columns: { name: string; type: ColumnType }[];
  spools: SpoolFile[];
  sql: { rowsTable: string; rows: number }[];
  written: DayFile[];
}

/**
 * Turns spool files, rows the SQL engine left in temporary tables and day files it wrote, into one
 * ZSTD Parquet file per table and day. DuckDB reads the NDJSON with the exact column types (so
 * nothing is inferred) and writes row groups as it goes; the spool and day files are deleted
 * afterwards. A day that has a single day file and nothing else takes that file as it is. Outputs
 * come back in table and day order.
 */
export async function writeParquet(
  duck: DuckDBConnection,
  spools: readonly SpoolFile[],
  outDir: string,
  opts: { rowGroupSize?: number; chunk?: number; sqlRows?: readonly SqlRows[] } = {},
): Promise<ParquetOutput[]> {
  const groups = new Map<string, Group>();
  const group = (table: string, calendarday: string, columns: Group['columns']) => {
    const id = `${table}\u0000${calendarday}`;
    let g = groups.get(id);
    if (g === undefined) {
      g = { table, calendarday, columns, spools: [], sql: [], written: [] };
      groups.set(id, g);
    }
    return g;
  };
  for (const s of spools) group(s.table, s.calendarday, s.columns).spools.push(s);
  for (const r of opts.sqlRows ?? []) {
    if (r.days !== undefined) {
      for (const d of r.days) group(r.table, d.calendarday, r.columns).written.push(d);
      continue;
    }
    const days = await duck.runAndReadAll(
      `SELECT calendarday, count(*) AS n FROM ${r.rowsTable} GROUP BY calendarday`,
    );
    for (const d of days.getRowObjects()) {
      group(r.table, String(d.calendarday), r.columns).sql.push({
        rowsTable: r.rowsTable,
        rows: Number(d.n),
      });
    }
  }
  const rowGroupSize = opts.rowGroupSize ?? TRANSFORM_PARQUET.rowGroupSize;
  const outputs: ParquetOutput[] = [];
  for (const id of [...groups.keys()].sort()) {
    const { table, calendarday, columns, spools: files, sql, written } = groups.get(id)!;
    files.sort((a, b) => a.path.localeCompare(b.path));
    const localPath = join(outDir, `${table}-${calendarday}-${opts.chunk ?? 0}.parquet`);
    const rows =
      files.reduce((n, f) => n + f.rows, 0) +
      sql.reduce((n, s) => n + s.rows, 0) +
      written.reduce((n, w) => n + w.rows, 0);
    const output = { table, calendarday, chunk: opts.chunk ?? 0, localPath, rows };
    if (
      written.length === 1 &&
      files.length === 0 &&
      sql.length === 0 &&
      rowGroupSize === TRANSFORM_PARQUET.rowGroupSize
    ) {
      // The decoder wrote the day's file with these options already: it becomes the output as it is.
      await rename(written[0]!.path, localPath);
      outputs.push({ ...output, bytes: (await stat(localPath)).size });
      continue;
    }
    const select = columns.map((c) => quoteIdent(c.name)).join(', ');
    const parts = sql.map(
      (s) => `SELECT ${select} FROM ${s.rowsTable} WHERE calendarday = ${quoteLiteral(calendarday)}`,
    );
    if (written.length > 0)
      parts.push(`SELECT ${select} FROM ${readLocalParquet(written.map((w) => w.path))}`);
    if (files.length > 0) {
      // DuckDB allocates read buffers of this size per thread: fit it to the data, not to a worst case.
      const maxObject = Math.max(16 * 1024 * 1024, Math.max(...files.map((f) => f.maxLine)) * 3 + 1);
      const types = columns
        .map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCK_TYPES[c.type])}`)
        .join(', ');
      const list = files.map((f) => literalFilePath(f.path)).join(', ');
      parts.push(
        `SELECT ${select} FROM read_json([${list}], format = 'newline_delimited', columns = {${types}}, ` +
          `maximum_object_size = ${maxObject})`,
      );
    }
    const rowsFrom = parts.join(' UNION ALL ');
    await duck.run(
      `COPY (${rowsFrom}) TO ${quoteLiteral(localPath)} ${parquetOptions({ ...TRANSFORM_PARQUET, rowGroupSize })}`,
    );
    for (const f of files) await rm(f.path, { force: true });
    for (const w of written) await rm(w.path, { force: true });
    outputs.push({
      ...output,
      bytes: (await stat(localPath)).size,
      ...(files.length === 0 && written.length === 0 ? { rowsFrom } : {}),
    });
  }
  return outputs;
}
