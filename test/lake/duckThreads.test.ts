import { describe, expect, it } from 'vitest';
import { configSchema } from '../../lake/config.ts';
import { queryThreads, threadsBeside, transformThreads } from '../../lake/duckThreads.ts';

const config = (transform: Record<string, unknown>) =>
  configSchema.parse({ mode: 'embedded', embedded: { dir: '/tmp/x' }, transform });

describe('DuckDB threads beside the lanes', () => {
  it('keeps the cores less the lanes in the background, at least one thread', () => {
    expect(threadsBeside(2, 1)).toBe(2);
    expect(threadsBeside(2, 2)).toBe(1);
    expect(threadsBeside(8, 2)).toBe(7);
    expect(threadsBeside(2, 4)).toBe(1);
  });

  it('sizes the transform instance for the lanes of the duckdb engine only, unless writerThreads is set', () => {
    expect(transformThreads(config({}), 2)).toBe(2);
    expect(transformThreads(config({ workers: 2 }), 2)).toBe(1);
    expect(transformThreads(config({ workers: 2 }), 4)).toBe(3);
    // The js engine's workers are decode threads; DuckDB only writes.
    expect(transformThreads(config({ workers: 2, engine: 'js' }), 2)).toBe(2);
    expect(transformThreads(config({ workers: 2, writerThreads: 2 }), 2)).toBe(2);
  });

  it('gives queries every core unless writerThreads is set', () => {
    expect(queryThreads(config({ workers: 2 }), 4)).toBe(4);
    expect(queryThreads(config({ writerThreads: 1 }), 4)).toBe(1);
  });
});
