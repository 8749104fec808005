import { describe, expect, it } from 'vitest';
import { Prng } from '../../ingest/generate/prng.ts';
import { cutChunks, MIN_EVEN_SPLIT } from '../../transform/cutChunks.ts';

/** The number of files in each chunk of a cut. */
const lengths = (bounds: number[]) => bounds.slice(1).map((end, k) => end - bounds[k]!);
const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const equal = (files: number, bytes = 80_000) => Array.from({ length: files }, () => bytes);

describe('cutChunks', () => {
  it.each([
    [1000, 250, [250, 250, 250, 250]],
    // A tail batch is split in two, so two lanes share it.
    [147, 250, [74, 73]],
    [1147, 250, [192, 191, 191, 191, 191, 191]],
    [750, 250, [188, 187, 188, 187]],
    // Too small to be worth two chunks.
    [2 * MIN_EVEN_SPLIT - 1, 250, [2 * MIN_EVEN_SPLIT - 1]],
    [0, 250, [0]],
    [5, 1, [1, 1, 1, 1, 1]],
    [7, 2, [2, 2, 2, 1]],
  ])('%i files of one size, at most %i a chunk: %j', (files, chunkFiles, expected) => {
    const got = lengths(cutChunks(equal(files), { files: chunkFiles, bytes: 1e12 }));
    expect(got).toEqual(expected);
    expect(sum(got)).toBe(files);
    expect(Math.max(...got)).toBeLessThanOrEqual(Math.max(1, chunkFiles));
  });

  it('shares the bytes out evenly, so a lane with the big files does not finish last', () => {
    // prepare: 1,000 files, the first 200 ten times the size of the rest
    const sizes = [...equal(200, 800_000), ...equal(800, 80_000)];
    // act
    const bounds = cutChunks(sizes, { files: 1000, bytes: 1e12 });
    // assess: two chunks (evened out) of equal bytes, not of equal files
    expect(bounds.length - 1).toBe(2);
    const bytes = lengths(bounds).map((_, k) => sum(sizes.slice(bounds[k], bounds[k + 1])));
    expect(Math.abs(bytes[0]! - bytes[1]!) / sum(sizes)).toBeLessThan(0.03);
    expect(lengths(bounds)[0]).toBeLessThan(200);
  });

  it('cuts a batch of exactly twice the file limit in two, even when its bytes lean to one side', () => {
    // prepare: 1,000 files, the first half a little bigger, so half the bytes come before file 500
    const sizes = [...equal(500, 24_000), ...equal(500, 20_000)];
    // act
    const got = lengths(cutChunks(sizes, { files: 500, bytes: 64 * 1024 * 1024 }));
    // assess: two full chunks, not a share cut at file ~455 and then a tail chunk of ~45 files
    expect(got).toEqual([500, 500]);
  });

  it('cuts by stored bytes when the files are large, a file too large being a chunk of its own', () => {
    const mib = 1024 * 1024;
    expect(
      lengths(cutChunks([10 * mib, 10 * mib, 100 * mib, 10 * mib], { files: 500, bytes: 64 * mib })),
    ).toEqual([2, 1, 1]);
  });

  it('never leaves a chunk empty, keeps to the file limit, and cuts the same batch the same way', () => {
    const rng = new Prng(7, 'cut');
    for (const chunkFiles of [1, 2, 3, 64, 250, 500])
      for (let files = 1; files <= 3000; files += 37) {
        const sizes = Array.from({ length: files }, () => Math.floor(rng.next() * 300_000));
        const limits = { files: chunkFiles, bytes: 20 * 1024 * 1024 };
        const bounds = cutChunks(sizes, limits);
        const got = lengths(bounds);
        expect(got.every((n) => n > 0)).toBe(true);
        expect(sum(got)).toBe(files);
        expect(Math.max(...got)).toBeLessThanOrEqual(chunkFiles);
        const bytes = got.map((_, k) => sum(sizes.slice(bounds[k], bounds[k + 1])));
        expect(bytes.every((b, k) => b <= limits.bytes || got[k] === 1)).toBe(true);
        expect(cutChunks([...sizes], limits)).toEqual(bounds);
      }
  });
});
