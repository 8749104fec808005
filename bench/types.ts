/**
 * The shapes of a benchmark result. One {@link BenchResult} is written per run as JSON; every
 * figure in the Markdown table, the SVG chart and the printed summary comes from it.
 */
import type { TransformStages } from '../lake/runManifest.ts';

/** The two built-in sources the bench measures one at a time. */
export type BenchSource = 'cloudtrail' | 'cloudwatch';

export const BENCH_SOURCES: readonly BenchSource[] = ['cloudtrail', 'cloudwatch'];

/** One input size: a label (S, M, L, Q or the number) and uncompressed MB per source. */
export interface SizeSpec {
  label: string;
  mbPerSource: number;
}

/** The machine a result was measured on. */
export interface MachineInfo {
  cpuModel: string;
  cores: number;
  nodeVersion: string;
  totalMemoryBytes: number;
  platform: string;
  arch: string;
  duckdbVersion: string;
  /** `os.loadavg()` when the run started: other work on the machine skews every figure. */
  loadAverage: number[];
}

/** What the generated data set of one size holds (good files unless stated). */
export interface DatasetSummary {
  dir: string;
  seed: number;
  mbPerSource: number;
  /** Generated now (false: reused from the cache). */
  generated: boolean;
  generateMs: number;
  files: Record<BenchSource, number>;
  /** Deliberately bad files and digest/insight/check objects: loglake gets them, DuckDB and naive do not. */
  excludedFiles: { bad: number; skip: number };
  bytesCompressed: Record<BenchSource, number>;
  bytesUncompressed: Record<BenchSource, number>;
  /** CloudTrail records and CloudWatch `DATA_MESSAGE` log events, from the generator's manifest. */
  events: Record<BenchSource, number>;
  controlMessages: number;
}

/** The measured figures of one contender on one source. */
export interface ContenderRun {
  contender: 'loglake' | 'duckdb' | 'naive';
  source: BenchSource;
  /** loglake: decode workers; duckdb: `threads`; naive: 1. */
  threads: number;
  files: number;
  /** Readready rows written: the events/s numerator for every contender. */
  rows: number;
  bytesCompressed: number;
  bytesUncompressed: number;
  /** Wall time of the measured step only (not process start, not lake setup). */
  elapsedMs: number;
  /** CPU time of the whole process (all threads) during the measured step. */
  cpuMs: number;
  eventsPerSec: number;
  eventsPerCpuSec: number;
  mbPerSecCompressed: number;
  mbPerSecUncompressed: number;
  outputBytes: number;
  outputFiles: number;
  /** Peak resident set of the contender's own child process (`process.resourceUsage().maxRSS`). */
  peakRssBytes: number;
  /** loglake only: events in, the reconciliation check and main-thread ms per stage. */
  eventsIn?: number;
  reconciled?: boolean;
  filesQuarantined?: number;
  stages?: TransformStages;
}

/** One column checksum compared between loglake's and another contender's Parquet. */
export interface ColumnChecksum {
  column: string;
  loglake: string;
  other: string;
  equal: boolean;
}

/** Row counts and per-column `sum(hash(col))` of two outputs, computed by DuckDB. */
export interface ChecksumComparison {
  rowsLoglake: number;
  rowsOther: number;
  rowsEqual: boolean;
  columns: ColumnChecksum[];
  allEqual: boolean;
}

/** Section a, b and c of one source: the contenders, their ratios and the output checks. */
export interface SourceRuns {
  loglake: ContenderRun;
  duckdb: ContenderRun;
  naive?: ContenderRun;
  /** loglake events/s ÷ DuckDB events/s, one core each (loglake workers=1, DuckDB threads=1). */
  ratioVsDuckdb: number;
  /** The same on CPU time: loglake events per CPU-second ÷ DuckDB events per CPU-second. */
  ratioVsDuckdbPerCpu: number;
  ratioVsNaive?: number;
  checksums: ChecksumComparison;
  naiveChecksums?: ChecksumComparison;
}

/** Section d of one source: two cores against one. */
export interface MulticoreRuns {
  loglake: ContenderRun;
  duckdb: ContenderRun;
  /** loglake workers=2 events/s ÷ workers=1 events/s. */
  loglakeSpeedup: number;
  duckdbSpeedup: number;
  /** loglake workers=2 ÷ DuckDB threads=2. */
  ratioVsDuckdb: number;
}

/** One auditor query, on readready Parquet and on the raw gzip JSON. */
export interface QueryRun {
  name: string;
  description: string;
  readreadyMs: number;
  rawMs: number;
  speedup: number;
  rows: number;
  /** Both answers are the same rows. */
  sameResult: boolean;
}

/** Section e. */
export interface QueriesResult {
  runs: number;
  threads: number;
  queries: QueryRun[];
  /** Geometric mean of the per-query speed-ups. */
  speedupGeomean: number;
  speedupMin: number;
  rawBytes: number;
  readreadyBytes: number;
  /** raw compressed bytes ÷ readready bytes. */
  storageRatio: number;
}

/** Section f. */
export interface AddapartResult {
  batchSize: number;
  rounds: number;
  notifications: number;
  elapsedMs: number;
  notificationsPerSec: number;
  /** Catalog write calls per 1,000 accepted files, with a warm partition cache across batches. */
  writesPer1000Files: number;
  /** The same with a cold cache in every batch (every batch registers its own partitions). */
  writesPer1000FilesCold: number;
  batches: number;
  maxWritesPerBatch: number;
  /** Largest `writes − Σ per table ⌈distinct/100⌉` over the batches: 0 or less meets the bound. */
  worstExcessPerTable: number;
  /** Batches whose writes exceed ⌈distinct partitions/100⌉ counted over all tables together. */
  batchesOverGlobalBound: number;
  /** The same workload through the embedded DuckDB catalog and ledger (one round, warm cache). */
  embedded: { notifications: number; elapsedMs: number; notificationsPerSec: number; catalogWrites: number };
}

/** Everything measured at one size. */
export interface SizeResult {
  size: SizeSpec;
  dataset: DatasetSummary;
  /** a, b, c: one core each. */
  transform: Record<BenchSource, SourceRuns>;
  /** d. */
  multicore: Record<BenchSource, MulticoreRuns>;
  /** e. */
  queries: QueriesResult;
  /** f. */
  addapart: AddapartResult;
}

/** Section g: one line per size and contender. */
export interface ScalingPoint {
  size: string;
  mbPerSource: number;
  source: BenchSource;
  contender: string;
  threads: number;
  rows: number;
  elapsedMs: number;
  eventsPerSec: number;
  /** Microseconds per event: flat when cost grows linearly with input. */
  usPerEvent: number;
  peakRssBytes: number;
}

/** One line of the cost estimate. */
export interface CostLine {
  item: string;
  quantity: number;
  unit: string;
  unitPrice: number;
  usd: number;
  note?: string;
}

/** Section 4: the cost of a stated workload at the measured rates. */
export interface CostEstimate {
  workload: { compressedGB: number; events: number; files: number };
  basedOn: { size: string; eventsPerSecPerCore: number; storageRatio: number; notificationsPerSec: number };
  assumptions: { name: string; value: number; unit: string }[];
  lines: CostLine[];
  totals: {
    /** Processing the whole workload once (Lambda, S3 requests, SQS, Glue), x86 Lambda. */
    oneOffX86Usd: number;
    /** The same on arm64 Lambda, assuming the same per-core speed as measured here. */
    oneOffArm64Usd: number;
    monthlyStorageRawUsd: number;
    monthlyStorageReadreadyUsd: number;
    athenaFullScanRawUsd: number;
    athenaFullScanReadreadyUsd: number;
  };
}

/** One DESIGN §12 target and whether this run met it. */
export interface TargetCheck {
  target: string;
  measured: string;
  met: boolean;
}

/** A whole benchmark run. */
export interface BenchResult {
  version: 1;
  startedAt: string;
  finishedAt: string;
  elapsedMs: number;
  options: { seed: number; sizes: SizeSpec[]; quick: boolean; queryRuns: number; repeat: number };
  machine: MachineInfo;
  sizes: SizeResult[];
  /** g. */
  scaling: ScalingPoint[];
  cost: CostEstimate;
  targets: TargetCheck[];
  notes: string[];
}
