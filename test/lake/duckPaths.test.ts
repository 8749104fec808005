import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { readLocalParquet } from '../../lake/duckPaths.ts';

describe('readLocalParquet', () => {
  it('reads the files as they are, without a column from a `key=value` folder on the way', async () => {
    // prepare: a Parquet file under a folder a partitioned COPY would name
    const dir = await mkdtemp(join(tmpdir(), 'loglake-paths-'));
    const duck = await (await DuckDBInstance.create(':memory:')).connect();
    try {
      await mkdir(join(dir, 'loglake_part=2026-11-01'));
      const file = join(dir, 'loglake_part=2026-11-01', 'data_0.parquet');
      await duck.run(`COPY (SELECT 1 AS a, 'k' AS source_key) TO '${file}' (FORMAT parquet)`);
      // act
      const plain = await duck.runAndReadAll(`DESCRIBE SELECT * FROM ${readLocalParquet([file])}`);
      const named = await duck.runAndReadAll(`SELECT * FROM ${readLocalParquet([file], { filename: true })}`);
      // assess
      expect(plain.getRowObjects().map((r) => r.column_name)).toEqual(['a', 'source_key']);
      expect(named.getRowObjects()).toEqual([{ a: 1, source_key: 'k', filename: file }]);
      expect(() => readLocalParquet([join(dir, '*.parquet')])).toThrow(/glob character/);
    } finally {
      duck.closeSync();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
