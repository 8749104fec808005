import type { LandedFile, Ledger } from '../../lake/ports.ts';

export const landed = (key: string, size = 100, source = 'cloudtrail'): LandedFile => ({
  bucket: 'raw',
  key,
  source,
  size,
  partition: ['x'],
});

/**
 * Plays transform runs against a ledger: a claim holding a poison key fails (`fail`), any other
 * completes. Returns the keys completed, in order, and the number of claims handed out.
 */
export async function drive(
  ledger: Ledger,
  poison: ReadonlySet<string>,
  bounds = { maxFiles: 1000, maxBytes: 1e12 },
): Promise<{ done: string[]; claims: number; failures: number }> {
  const done: string[] = [];
  let claims = 0;
  let failures = 0;
  for (; claims < 500; claims++) {
    const claim = await ledger.claim(bounds);
    if (claim === undefined) break;
    if (claim.files.some((f) => poison.has(f.key))) {
      failures++;
      await ledger.fail(claim.batchId, `decoder crashed on ${claim.files.length} files`);
    } else {
      await ledger.complete(claim.batchId);
      done.push(...claim.files.map((f) => f.key));
    }
  }
  return { done, claims, failures };
}
