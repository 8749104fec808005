import { DuckDBInstance } from '@duckdb/node-api';
import type { DuckdbJob, StepMeasure } from './childJob.ts';
import { dirBytes } from './dirBytes.ts';
import { measure } from './measure.ts';
import { nativeCopy } from './nativeSql.ts';

/**
 * Contender b (and d): DuckDB doing the same job natively, one `COPY (SELECT … FROM read_json(…))
 * TO … (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (calendarday))` over the good raw files.
 * Only the `COPY` is timed. Corrupt files are left out by the caller: one would fail the query.
 */
export async function runDuckdbContender(job: DuckdbJob): Promise<StepMeasure> {
  const instance = await DuckDBInstance.create(':memory:', {
    threads: String(job.threads),
    temp_directory: job.tmpDir,
  });
  const connection = await instance.connect();
  try {
    const sql = nativeCopy(job.source, job, job.outDir);
    const {
      value: rows,
      elapsedMs,
      cpuMs,
    } = await measure(async () => {
      const reader = await connection.runAndReadAll(sql);
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
    const out = await dirBytes(job.outDir);
    return { elapsedMs, cpuMs, files: job.keys.length, rows, outputBytes: out.bytes, outputFiles: out.files };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
