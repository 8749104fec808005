import { describe, expect, it } from 'vitest';
import { cutChunks, MIN_EVEN_SPLIT } from '../../transform/cutChunks.ts';

/** The sizes of the chunks a cut gives, by position as transformBatch slices them. */
const sizes = (files: number, chunkFiles: number) => {
  const { count, size } = cutChunks(files, chunkFiles);
  return Array.from({ length: count }, (_, i) => Math.min(size, files - i * size));
};

describe('cutChunks', () => {
  it.each([
    [1000, 250, [250, 250, 250, 250]],
    // A tail batch is split in two, so two lanes share it.
    [147, 250, [74, 73]],
    [1147, 250, [192, 192, 192, 192, 192, 187]],
    [750, 250, [188, 188, 188, 186]],
    // Too small to be worth two chunks.
    [2 * MIN_EVEN_SPLIT - 1, 250, [2 * MIN_EVEN_SPLIT - 1]],
    [0, 250, [0]],
    [5, 1, [1, 1, 1, 1, 1]],
    [7, 2, [2, 2, 2, 1]],
  ])('%i files at most %i a chunk: %j', (files, chunkFiles, expected) => {
    const got = sizes(files, chunkFiles);
    expect(got).toEqual(expected);
    expect(got.reduce((a, b) => a + b, 0)).toBe(files);
    expect(Math.max(...got)).toBeLessThanOrEqual(Math.max(1, chunkFiles));
  });

  it('never leaves a chunk empty, and never cuts more than needed to even out', () => {
    for (const chunkFiles of [1, 2, 3, 64, 250])
      for (let files = 1; files <= 3000; files += 7) {
        const got = sizes(files, chunkFiles);
        expect(got.every((n) => n > 0)).toBe(true);
        expect(got.reduce((a, b) => a + b, 0)).toBe(files);
        expect(got.length).toBeLessThanOrEqual(Math.ceil(files / chunkFiles) + 1);
      }
  });
});
