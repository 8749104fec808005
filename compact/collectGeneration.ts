import { type GenerationManifest, writeManifest } from '../lake/generationManifest.ts';
import type { Generation } from '../lake/generations.ts';
import type { ObjectStore } from '../lake/ports.ts';
import { carryOver } from './carryOver.ts';

/** What collecting a partition's previous generation did. */
export type CollectOutcome =
  | { state: 'nothing' }
  | { state: 'waiting'; until: string }
  | { state: 'collected'; deleted: number; carried: string[] };

/**
 * Deletes the generation `current` replaced, once its grace period (from the switch) has passed:
 * readers that listed it before the switch have finished by then. A last carry-over runs first, so
 * a file a slow transform put there after the switch moves into `current` instead of being lost.
 */
export async function collectGeneration(
  store: ObjectStore,
  current: Generation,
  manifest: GenerationManifest,
  opts: { graceMs: number; now: Date; scratch: string },
): Promise<CollectOutcome> {
  const previous: Generation = { number: manifest.generation - 1, prefix: manifest.previous };
  const objects: string[] = [];
  for await (const o of store.list(previous.prefix)) {
    // Only the generation's own objects: generation 0's folder also holds the gen=<n>/ folders.
    if (!o.key.slice(previous.prefix.length).includes('/')) objects.push(o.key);
  }
  if (objects.length === 0) return { state: 'nothing' };
  const until = Date.parse(manifest.switchedAt) + opts.graceMs;
  if (opts.now.getTime() < until) return { state: 'waiting', until: new Date(until).toISOString() };
  const carried = await carryOver(store, previous, current, new Set(manifest.merged), opts.scratch);
  for (const key of objects) await store.delete(key);
  await writeManifest(store, current, {
    ...manifest,
    carried: [...manifest.carried, ...carried],
    collectedAt: opts.now.toISOString(),
  });
  return { state: 'collected', deleted: objects.length, carried };
}
