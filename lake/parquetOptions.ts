import { quoteIdent, quoteLiteral } from './sqlQuote.ts';

/** How DuckDB writes a Parquet file: always ZSTD; the rest as a writer needs it. */
export interface ParquetWrite {
  /** ZSTD level (1–22); DuckDB's default (3) when left out. */
  zstdLevel?: number;
  /** Rows per row group: the writer holds a whole one in memory. */
  rowGroupSize?: number;
  /** Start a new file once one reaches about this size (the COPY then writes a folder). */
  fileSizeBytes?: number;
  /** File names inside that folder, `{i}` counting. */
  filenamePattern?: string;
  /** Hive-partition the output folder by these columns. */
  partitionBy?: readonly string[];
  /** Replace what the output folder holds. */
  overwrite?: boolean;
}

/** The option list of `COPY … TO … (…)` for a Parquet file, the one place loglake spells it out. */
export function parquetOptions(w: ParquetWrite = {}): string {
  const opts = ['FORMAT parquet', 'COMPRESSION zstd'];
  if (w.zstdLevel !== undefined) opts.push(`COMPRESSION_LEVEL ${Math.floor(w.zstdLevel)}`);
  if (w.fileSizeBytes !== undefined) opts.push(`FILE_SIZE_BYTES ${Math.max(1, Math.floor(w.fileSizeBytes))}`);
  if (w.rowGroupSize !== undefined) opts.push(`ROW_GROUP_SIZE ${Math.max(1, Math.floor(w.rowGroupSize))}`);
  if (w.filenamePattern !== undefined) opts.push(`FILENAME_PATTERN ${quoteLiteral(w.filenamePattern)}`);
  if (w.partitionBy !== undefined) opts.push(`PARTITION_BY (${w.partitionBy.map(quoteIdent).join(', ')})`);
  if (w.overwrite) opts.push('OVERWRITE');
  return `(${opts.join(', ')})`;
}
