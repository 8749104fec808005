import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { isGlobLike } from '../lake/duckPaths.ts';
import type { ObjectStore } from '../lake/ports.ts';

/**
 * A local file holding an object: the store's own file when it is a local folder (and its path is
 * one DuckDB reads literally), else a download into `scratch` (removed by `release`). Objects can
 * be large, so they stream to disk.
 */
export async function localCopy(
  store: ObjectStore,
  key: string,
  scratch: string,
  name: string,
): Promise<{ path: string; release(): Promise<void> }> {
  const own = store.localPath?.(key);
  if (own !== undefined && !isGlobLike(own)) return { path: own, release: async () => undefined };
  const path = join(scratch, name);
  await pipeline(await store.getStream(key), createWriteStream(path));
  return { path, release: () => rm(path, { force: true }) };
}

/** Copies one object within a store (the same bytes under another key). */
export async function copyObject(
  store: ObjectStore,
  from: string,
  to: string,
  scratch: string,
): Promise<void> {
  const local = await localCopy(store, from, scratch, `copy-${process.pid}-${Date.now()}.parquet`);
  try {
    await store.putFile(to, local.path, { contentType: 'application/vnd.apache.parquet' });
  } finally {
    await local.release();
  }
}
