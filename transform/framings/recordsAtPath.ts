import { compilePath, type Event } from '../project.ts';

const getters = new Map<string, (e: Event) => unknown>();

/**
 * The records array at a dot path of a document (`Records`, `detail.findings`, `data.items`);
 * `undefined` when the document has none there.
 */
export function recordsAtPath(doc: Event, path: string): unknown[] | undefined {
  let get = getters.get(path);
  if (get === undefined) {
    get = compilePath(path);
    getters.set(path, get);
  }
  const records = get(doc);
  return Array.isArray(records) ? records : undefined;
}
