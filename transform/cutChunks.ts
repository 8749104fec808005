/** A batch of fewer files than twice this is never split just to even out the chunks. */
export const MIN_EVEN_SPLIT = 64;

/** What a file weighs in a cut beyond its stored bytes: the fixed cost of reading one. */
const PER_FILE_BYTES = 4096;

/** The most one chunk takes: files, and stored bytes. */
export interface ChunkLimits {
  files: number;
  bytes: number;
}

/**
 * Where a batch of files (key-ordered, by their stored sizes) is cut into chunks: the start of
 * each chunk by position, then the batch's length, so chunk k is `[bounds[k], bounds[k + 1])`.
 * There are as many chunks as the limits need, an odd count rounded up to even (when each chunk
 * keeps at least {@link MIN_EVEN_SPLIT} files) so two lanes finish a batch together, and the cuts
 * share the bytes out evenly (a lane's time goes with the bytes it decodes), with no chunk over a
 * limit (but a file bigger than the byte limit, alone). The cut is a function of the batch alone, never of the lanes, so a re-run cuts and
 * names every output the same way whatever its `workers`.
 */
export function cutChunks(sizes: readonly number[], limits: ChunkLimits): number[] {
  const n = sizes.length;
  const perChunk = Math.max(1, Math.floor(limits.files));
  const stored = sizes.reduce((a, b) => a + b, 0);
  let count = Math.max(1, Math.ceil(n / perChunk), Math.ceil(stored / Math.max(1, limits.bytes)));
  count = Math.min(count, Math.max(1, n));
  if (count % 2 === 1 && n >= MIN_EVEN_SPLIT * (count + 1)) count++;
  const weight = stored + n * PER_FILE_BYTES;
  const bounds = [0];
  let before = 0;
  let storedBefore = 0;
  let inChunk = 0;
  for (let i = 0; i < n; i++) {
    const size = sizes[i] ?? 0;
    const start = bounds[bounds.length - 1]!;
    // A cut before file i once the chunk is full (by files or bytes), or once the files before it
    // hold this chunk's share, unless the files after it would then not fit in the chunks left
    // (a cut by share that early would add a tail chunk the count did not plan for).
    const full = i - start >= perChunk || inChunk + size > limits.bytes;
    const left = count - bounds.length;
    const restFits = n - i <= left * perChunk && stored - storedBefore <= left * limits.bytes;
    if (i > start && (full || (restFits && before >= (weight * bounds.length) / count))) {
      bounds.push(i);
      inChunk = 0;
    }
    before += size + PER_FILE_BYTES;
    storedBefore += size;
    inChunk += size;
  }
  bounds.push(n);
  return bounds;
}
