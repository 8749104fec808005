import { ObjectNotFoundError } from './errors.ts';
import type { Generation } from './generations.ts';
import type { ObjectStore } from './ports.ts';

/** The record of one compaction, stored beside its generation's files as `_manifest.json`. */
export interface GenerationManifest {
  table: string;
  calendarday: string;
  generation: number;
  /** Key prefix of the generation this one replaced. */
  previous: string;
  /** File names of the previous generation merged into this one's `compact-*` files. */
  merged: string[];
  /** File names of this generation's own merged output (`compact-<n>-<i>.parquet`). */
  outputs: string[];
  /** File names copied over unchanged: late files that arrived while it compacted. */
  carried: string[];
  rowsMerged: number;
  /** When the catalog was switched (ISO time); the grace period of `previous` counts from here. */
  switchedAt: string;
  /** When `previous` was deleted, once it was. */
  collectedAt?: string;
}

/** The manifest key of a generation. Athena skips `_`-prefixed objects, readers list `*.parquet`. */
export function manifestKey(gen: Generation): string {
  return `${gen.prefix}_manifest.json`;
}

export async function readManifest(
  store: ObjectStore,
  gen: Generation,
): Promise<GenerationManifest | undefined> {
  try {
    return JSON.parse(Buffer.from(await store.get(manifestKey(gen))).toString('utf8')) as GenerationManifest;
  } catch (err) {
    if (err instanceof ObjectNotFoundError) return undefined;
    throw err;
  }
}

export async function writeManifest(
  store: ObjectStore,
  gen: Generation,
  m: GenerationManifest,
): Promise<void> {
  await store.put(manifestKey(gen), JSON.stringify(m, null, 2), { contentType: 'application/json' });
}
