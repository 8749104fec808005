import type { TransformStages } from '../lake/runManifest.ts';
import type { BenchSource } from './types.ts';

/** loglake's transform on a lake whose files are landed and registered. */
export interface LoglakeJob {
  kind: 'loglake';
  lakeDir: string;
  workers: number;
  /** DuckDB threads of the Parquet writer. */
  writerThreads: number;
}

/** Where a raw-reading contender finds its files. */
interface RawInput {
  source: BenchSource;
  root: string;
  keys: string[];
  maximumObjectSize: number;
  outDir: string;
  /** Scratch folder (DuckDB spills here). */
  tmpDir: string;
}

/** DuckDB doing the job natively. */
export interface DuckdbJob extends RawInput {
  kind: 'duckdb';
  threads: number;
}

/** The naive baseline. */
export interface NaiveJob extends RawInput {
  kind: 'naive';
}

/** A job that runs in its own child process, so its peak memory is its own. */
export type ChildJob = LoglakeJob | DuckdbJob | NaiveJob;

/** What a contender measured about its one step. */
export interface StepMeasure {
  elapsedMs: number;
  cpuMs: number;
  files: number;
  rows: number;
  outputBytes: number;
  outputFiles: number;
  eventsIn?: number;
  reconciled?: boolean;
  filesQuarantined?: number;
  stages?: TransformStages;
}

/** A child's reply: the step's figures and the process's peak resident set. */
export interface ChildReply {
  ok: boolean;
  measure?: StepMeasure;
  error?: string;
  peakRssBytes: number;
}
