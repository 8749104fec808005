/** A batch of fewer files than twice this is never split just to even out the chunks. */
export const MIN_EVEN_SPLIT = 64;

/**
 * How a batch of `files` (key-ordered) is cut into chunks of at most `chunkFiles`: `count` chunks
 * of `size` files by position, the last one shorter. An odd count is rounded up to even (when each
 * chunk keeps at least {@link MIN_EVEN_SPLIT} files), so two lanes finish a batch together instead
 * of one decoding the odd chunk alone (CloudTrail's 147-file tail batch ran on one lane). The cut
 * is a function of the batch alone, never of the lanes, so a re-run cuts and names every output
 * the same way whatever its `workers`.
 */
export function cutChunks(files: number, chunkFiles: number): { count: number; size: number } {
  const per = Math.max(1, Math.floor(chunkFiles));
  let count = Math.max(1, Math.ceil(files / per));
  if (count % 2 === 1 && files >= MIN_EVEN_SPLIT * (count + 1)) count++;
  const size = Math.max(1, Math.ceil(files / count));
  // Counted again from the size, so no chunk is left empty.
  return { count: Math.max(1, Math.ceil(files / size)), size };
}
