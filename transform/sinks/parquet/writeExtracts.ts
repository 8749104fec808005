import { rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { readLocalParquet } from '../../../lake/duckPaths.ts';
import { parquetOptions } from '../../../lake/parquetOptions.ts';
import { quoteIdent, quoteLiteral } from '../../../lake/sqlQuote.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import { type ParquetOutput, TRANSFORM_PARQUET } from './writeParquet.ts';

/** An extract table of a readready table (`readready.extracts` of its source). */
export type ExtractDef = SourceDefinition['readready']['extracts'][number];

/** The extracts of each readready table of the sources; tables without one are left out. */
export function extractsByTable(sources: readonly SourceDefinition[]): Map<string, readonly ExtractDef[]> {
  return new Map(
    sources
      .filter((s) => s.readready.extracts.length > 0)
      .map((s) => [s.readreadyTable, s.readready.extracts]),
  );
}

/** The `WHERE` of an extract: every condition holds. Columns and values are quoted, never spliced. */
export function extractPredicate(extract: ExtractDef): string {
  return extract.where
    .map((c) => `${quoteIdent(c.column)} IN (${c.in.map((v) => quoteLiteral(v)).join(', ')})`)
    .join(' AND ');
}

/**
 * Writes the extracts of finished readready files: for each output whose table has extracts, one
 * Parquet file per extract with the output's matching rows, the same day and chunk (so it is
 * published under the same name, and a re-run overwrites it like its readready file). An extract
 * with no matching row writes no file. The rows come from the chunk's temporary tables while they
 * last (`rowsFrom`), else from the output read back (DuckDB reads only the condition columns to find
 * them), so an extract costs little beside the output's own write.
 */
export async function writeExtracts(
  duck: DuckDBConnection,
  outputs: readonly ParquetOutput[],
  extracts: ReadonlyMap<string, readonly ExtractDef[]>,
  opts: { rowGroupSize?: number } = {},
): Promise<ParquetOutput[]> {
  const written: ParquetOutput[] = [];
  for (const o of outputs) {
    for (const e of extracts.get(o.table) ?? []) {
      const localPath = join(dirname(o.localPath), `${e.table}-${o.calendarday}-${o.chunk}.parquet`);
      const rows = o.rowsFrom ?? `SELECT * FROM ${readLocalParquet([o.localPath])}`;
      const copied = await duck.runAndReadAll(
        `COPY (SELECT * FROM (${rows}) WHERE ${extractPredicate(e)}) ` +
          `TO ${quoteLiteral(localPath)} ${parquetOptions({ ...TRANSFORM_PARQUET, rowGroupSize: opts.rowGroupSize ?? TRANSFORM_PARQUET.rowGroupSize })}`,
      );
      const count = Number(copied.getRows()[0]?.[0] ?? 0);
      if (count === 0) {
        await rm(localPath, { force: true });
        continue;
      }
      const bytes = (await stat(localPath)).size;
      written.push({
        table: e.table,
        calendarday: o.calendarday,
        chunk: o.chunk,
        localPath,
        rows: count,
        bytes,
      });
    }
  }
  return written;
}
