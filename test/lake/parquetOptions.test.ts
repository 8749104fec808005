import { describe, expect, it } from 'vitest';
import { parquetOptions } from '../../lake/parquetOptions.ts';
import { TRANSFORM_PARQUET } from '../../transform/sinks/parquet/writeParquet.ts';

describe('parquetOptions', () => {
  it('spells out what each writer asks for, and nothing else', () => {
    expect(parquetOptions()).toBe('(FORMAT parquet, COMPRESSION zstd)');
    expect(parquetOptions(TRANSFORM_PARQUET)).toBe(
      '(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1, ROW_GROUP_SIZE 40960)',
    );
    expect(
      parquetOptions({
        zstdLevel: 9,
        fileSizeBytes: 256e6,
        rowGroupSize: 122_880,
        filenamePattern: 'part_{i}',
      }),
    ).toBe(
      "(FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 9, FILE_SIZE_BYTES 256000000, ROW_GROUP_SIZE 122880, FILENAME_PATTERN 'part_{i}')",
    );
    expect(parquetOptions({ partitionBy: ['calendarday', 'a"b'], overwrite: true })).toBe(
      '(FORMAT parquet, COMPRESSION zstd, PARTITION_BY ("calendarday", "a""b"), OVERWRITE)',
    );
  });
});
