import { fileName, type Generation, listGeneration } from '../lake/generations.ts';
import type { ObjectStore } from '../lake/ports.ts';
import { copyObject } from './copyObject.ts';

/**
 * Copies the files of `from` that compaction did not merge (`merged`) and that `to` does not hold
 * yet into `to`, under the same names: a late file is neither lost nor, since a second carry-over
 * finds it there, counted twice. Returns the names copied.
 */
export async function carryOver(
  store: ObjectStore,
  from: Generation,
  to: Generation,
  merged: ReadonlySet<string>,
  scratch: string,
): Promise<string[]> {
  const present = new Set((await listGeneration(store, to)).map((o) => fileName(o.key)));
  const carried: string[] = [];
  for (const o of await listGeneration(store, from)) {
    const name = fileName(o.key);
    if (merged.has(name) || present.has(name)) continue;
    await copyObject(store, o.key, `${to.prefix}${name}`, scratch);
    carried.push(name);
  }
  return carried;
}
