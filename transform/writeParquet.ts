import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DUCK_TYPES } from '../lake/duckTypes.ts';
import { quoteIdent, quoteLiteral } from '../lake/sqlQuote.ts';
import type { SpoolFile } from './spool.ts';

/** One finished output: a local Parquet file of one table and one calendar day. */
export interface ParquetOutput {
  table: string;
  calendarday: string;
  chunk: number;
  localPath: string;
  rows: number;
  bytes: number;
}

/**
 * Turns spool files into one ZSTD Parquet file per table and day. DuckDB reads the NDJSON with the
 * exact column types (so nothing is inferred) and writes row groups as it goes; the spool files
 * are deleted afterwards. Outputs come back in table and day order.
 */
export async function writeParquet(
  duck: DuckDBConnection,
  spools: readonly SpoolFile[],
  outDir: string,
  opts: { rowGroupSize?: number; chunk?: number } = {},
): Promise<ParquetOutput[]> {
  const groups = new Map<string, SpoolFile[]>();
  for (const s of spools) {
    const id = `${s.table}\u0000${s.calendarday}`;
    groups.set(id, [...(groups.get(id) ?? []), s]);
  }
  const outputs: ParquetOutput[] = [];
  for (const id of [...groups.keys()].sort()) {
    const files = groups.get(id)!.sort((a, b) => a.path.localeCompare(b.path));
    const { table, calendarday, columns } = files[0]!;
    const localPath = join(outDir, `${table}-${calendarday}-${opts.chunk ?? 0}.parquet`);
    // DuckDB allocates read buffers of this size per thread: fit it to the data, not to a worst case.
    const maxObject = Math.max(16 * 1024 * 1024, Math.max(...files.map((f) => f.maxLine)) * 3 + 1);
    const types = columns.map((c) => `${quoteIdent(c.name)}: ${quoteLiteral(DUCK_TYPES[c.type])}`).join(', ');
    const select = columns.map((c) => quoteIdent(c.name)).join(', ');
    const list = files.map((f) => quoteLiteral(f.path)).join(', ');
    await duck.run(
      `COPY (SELECT ${select} FROM read_json([${list}], format = 'newline_delimited', columns = {${types}}, ` +
        `maximum_object_size = ${maxObject})) TO ${quoteLiteral(localPath)} ` +
        `(FORMAT parquet, COMPRESSION zstd, ROW_GROUP_SIZE ${opts.rowGroupSize ?? 122_880})`,
    );
    for (const f of files) await rm(f.path, { force: true });
    outputs.push({
      table,
      calendarday,
      chunk: opts.chunk ?? 0,
      localPath,
      rows: files.reduce((n, f) => n + f.rows, 0),
      bytes: (await stat(localPath)).size,
    });
  }
  return outputs;
}
