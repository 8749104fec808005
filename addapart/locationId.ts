import { createHash } from 'node:crypto';

/**
 * The `loc` partition value of a raw folder: 12 hex digits of a hash of the bucket and the folder
 * (the key up to its last `/`, kept exactly: a doubled `//` is another S3 prefix). Two folders with
 * the same account, region and day (an organisation trail and a single-account trail, a key prefix
 * or none, another bucket) get different values, so each becomes its own raw partition at its own
 * location and every landed file lies under a registered location. The same folder always gives
 * the same value, in any mode, so registration stays idempotent.
 */
export function locationId(bucket: string, folder: string): string {
  const id = `${bucket}\u0000${folder}`;
  let loc = recent.get(id);
  if (loc === undefined) {
    loc = createHash('sha256').update(id).digest('hex').slice(0, 12);
    // Files arrive by folder, so a small memo saves a hash per notification; bounded by clearing.
    if (recent.size >= 10_000) recent.clear();
    recent.set(id, loc);
  }
  return loc;
}

const recent = new Map<string, string>();
