import { availableParallelism } from 'node:os';
import type { LoglakeConfig } from './config.ts';

/**
 * DuckDB's `threads` while `lanes` lanes of transform run (transform/inLanes.ts): each lane's
 * queries run on a thread of their own, so DuckDB keeps only the rest in the background (at least
 * one thread in all). With its full count on top of the lanes, two lanes on two cores took a
 * quarter more CPU for the same work.
 */
export function threadsBeside(threads: number, lanes: number): number {
  return Math.max(1, threads - lanes + 1);
}

/**
 * DuckDB threads of a lake's transform instance: `transform.writerThreads` when set, else the
 * cores less the lanes the config runs ({@link threadsBeside}; the `js` engine runs one).
 */
export function transformThreads(config: LoglakeConfig, cores = availableParallelism()): number {
  const t = config.transform;
  if (t.writerThreads > 0) return t.writerThreads;
  return threadsBeside(cores, t.engine === 'duckdb' ? t.workers : 1);
}

/** DuckDB threads for queries: `transform.writerThreads` when set, else every core. */
export function queryThreads(config: LoglakeConfig, cores = availableParallelism()): number {
  return config.transform.writerThreads || cores;
}
