import { readManifest } from './generationManifest.ts';
import { fileName, generationOfLocation, listGeneration } from './generations.ts';
import type { ObjectStore } from './ports.ts';

/**
 * The published files of a compacted partition (one whose catalog location is a `gen=<n>/`
 * generation): the objects of that generation that its compaction wrote (named in its manifest) or
 * that a finished run published (`runNames`: file names from run manifests; a carried-over file
 * keeps its name). Anything else there, such as a crashed attempt's leftovers or a carried file
 * whose run never finished, stays invisible. `undefined` for a partition still in its own folder
 * (generation 0): there the run manifests' keys are the files.
 */
export async function publishedGenerationFiles(
  store: ObjectStore,
  table: string,
  calendarday: string,
  location: string,
  runNames: ReadonlySet<string>,
): Promise<string[] | undefined> {
  const gen = generationOfLocation(store, table, calendarday, location);
  if (gen.number === 0) return undefined;
  const own = new Set((await readManifest(store, gen))?.outputs ?? []);
  return (await listGeneration(store, gen))
    .map((o) => o.key)
    .filter((key) => own.has(fileName(key)) || runNames.has(fileName(key)));
}
