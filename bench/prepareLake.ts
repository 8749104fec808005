import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { drainQueue } from '../addapart/drainQueue.ts';
import type { AddapartStats } from '../addapart/processBatch.ts';
import { filesFromPaths, landFiles } from '../ingest/land.ts';
import { configSchema } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import type { Dataset } from './prepareDataset.ts';
import type { BenchSource } from './types.ts';

/** A fresh embedded lake with one source's raw files landed and registered. */
export interface PreparedLake {
  dir: string;
  landed: number;
  addapart: AddapartStats;
}

/**
 * Lands every file of one source's folder of the data set (good, bad, digest and check objects
 * alike, as a bucket would hold them) into a fresh embedded lake, and drains the notifications
 * through addapart, so the lake is exactly what `loglake transform` starts from. Each timed
 * transform then runs on its own copy ({@link copyLake}).
 */
export async function prepareLake(dir: string, dataset: Dataset, source: BenchSource): Promise<PreparedLake> {
  await rm(dir, { recursive: true, force: true });
  const lake = await openLake(configSchema.parse({ mode: 'embedded', embedded: { dir } }));
  try {
    const landed = await landFiles(lake.raw, filesFromPaths([join(dataset.dir, source)], source));
    const addapart = await drainQueue(lake);
    return { dir, landed: landed.landed, addapart };
  } finally {
    await lake.close();
  }
}

/** A working copy of a prepared lake, for one transform run. */
export async function copyLake(from: string, to: string): Promise<string> {
  await rm(to, { recursive: true, force: true });
  await cp(from, to, { recursive: true });
  return to;
}
