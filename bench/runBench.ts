import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { checkTargets } from './checkTargets.ts';
import type { ChildJob } from './childJob.ts';
import { CHECKSUM_COLUMNS, compareChecksums } from './compareChecksums.ts';
import { dirBytes } from './dirBytes.ts';
import { estimateCost } from './estimateCost.ts';
import { machineInfo } from './machineInfo.ts';
import type { NativeInput } from './nativeSql.ts';
import { type Dataset, DEFAULT_DATASET, goodKeys, largestFile, prepareDataset } from './prepareDataset.ts';
import { copyLake, prepareLake } from './prepareLake.ts';
import { runAddapartBench } from './runAddapartBench.ts';
import { type ChildResult, runInChild } from './runInChild.ts';
import { runQueries } from './runQueries.ts';
import {
  BENCH_SOURCES,
  type BenchResult,
  type BenchSource,
  type ContenderRun,
  type MulticoreRuns,
  type ScalingPoint,
  type SizeResult,
  type SizeSpec,
  type SourceRuns,
} from './types.ts';
import { type WrittenResults, writeResults } from './writeResults.ts';

/** The bench folder of this checkout. */
export const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));

/** Named sizes, in uncompressed MB per source. `Q` is the quick smoke size. */
export const NAMED_SIZES: Record<string, number> = { Q: 20, S: 50, M: 200, L: 800 };

/**
 * Parses `S,M,L` or numbers (`30,120`: MB per source) into sizes, smallest first.
 * @throws Error naming the entry that is neither.
 */
export function parseSizes(text: string): SizeSpec[] {
  const sizes = text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => {
      const named = NAMED_SIZES[s.toUpperCase()];
      if (named !== undefined) return { label: s.toUpperCase(), mbPerSource: named };
      const n = Number(s);
      if (!Number.isFinite(n) || n <= 0) throw new Error(`size ${JSON.stringify(s)} is not S, M, L, Q or MB`);
      return { label: `${n}MB`, mbPerSource: n };
    });
  if (sizes.length === 0) throw new Error('no sizes given');
  return sizes.sort((a, b) => a.mbPerSource - b.mbPerSource);
}

export interface BenchOptions {
  /** Default S, M and L (or Q with `quick`). */
  sizes?: SizeSpec[];
  /** A smoke run: one small size unless `sizes` is given; recorded in the result. */
  quick?: boolean;
  seed?: number;
  /** Generator settings (default 3 accounts, 3 days, 30 sessions). */
  dataset?: Partial<{ accounts: number; days: number; sessions: number }>;
  /** Where generated data sets are kept and reused (default `bench/.cache`). */
  cacheDir?: string;
  /** Where results go (default `bench/results`). */
  resultsDir?: string;
  /** Scratch lakes and outputs (default `<tmpdir>/loglake-bench-<pid>`), removed at the end unless `keepWork`. */
  workDir?: string;
  keepWork?: boolean;
  /** Runs of each contender; the fastest counts (default 1). */
  repeat?: number;
  /** Runs of each query on each side; the fastest counts (default 2). */
  queryRuns?: number;
  /** Cores for the multi-core runs (default 2). */
  cores?: number;
  /** Run the naive baseline (default true). */
  naive?: boolean;
  addapartBatchSize?: number;
  addapartMinNotifications?: number;
  /** Progress lines. */
  log?: (line: string) => void;
}

const rate = (n: number, ms: number) => n / Math.max(ms / 1000, 1e-9);
const READREADY_TABLE: Record<BenchSource, string> = {
  cloudtrail: 'from_cloudtrail_readready',
  cloudwatch: 'from_cloudwatch_readready',
};

function toRun(
  contender: ContenderRun['contender'],
  source: BenchSource,
  threads: number,
  dataset: Dataset,
  r: ChildResult,
): ContenderRun {
  const m = r.measure;
  const compressed = dataset.summary.bytesCompressed[source];
  const uncompressed = dataset.summary.bytesUncompressed[source];
  return {
    contender,
    source,
    threads,
    files: m.files,
    rows: m.rows,
    bytesCompressed: compressed,
    bytesUncompressed: uncompressed,
    elapsedMs: m.elapsedMs,
    cpuMs: m.cpuMs,
    eventsPerSec: rate(m.rows, m.elapsedMs),
    eventsPerCpuSec: rate(m.rows, m.cpuMs),
    mbPerSecCompressed: rate(compressed / 1e6, m.elapsedMs),
    mbPerSecUncompressed: rate(uncompressed / 1e6, m.elapsedMs),
    outputBytes: m.outputBytes,
    outputFiles: m.outputFiles,
    peakRssBytes: r.peakRssBytes,
    ...(m.eventsIn !== undefined ? { eventsIn: m.eventsIn } : {}),
    ...(m.reconciled !== undefined ? { reconciled: m.reconciled } : {}),
    ...(m.filesQuarantined !== undefined ? { filesQuarantined: m.filesQuarantined } : {}),
    ...(m.stages !== undefined ? { stages: m.stages } : {}),
  };
}

/** Runs a child job `repeat` times (each from a fresh start) and keeps the fastest. */
async function fastest(repeat: number, job: () => Promise<ChildJob>): Promise<ChildResult> {
  let best: ChildResult | undefined;
  for (let i = 0; i < Math.max(1, repeat); i++) {
    const r = await runInChild(await job());
    if (best === undefined || r.measure.elapsedMs < best.measure.elapsedMs) best = r;
  }
  return best!;
}

function describe(r: ContenderRun): string {
  const name = `${r.contender}${r.contender === 'loglake' ? ` threads=${r.threads}` : r.contender === 'duckdb' ? ` threads=${r.threads}` : ''}`;
  return (
    `    ${name.padEnd(18)} ${Math.round(r.eventsPerSec).toLocaleString('en-US').padStart(9)} events/s ` +
    `${(r.elapsedMs / 1000).toFixed(2).padStart(7)} s  cpu ${(r.cpuMs / 1000).toFixed(2)} s  ` +
    `peak ${Math.round(r.peakRssBytes / 2 ** 20)} MiB  out ${(r.outputBytes / 2 ** 20).toFixed(1)} MiB`
  );
}

async function calendardays(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir))
      .filter((d) => d.startsWith('calendarday='))
      .map((d) => d.slice('calendarday='.length))
      .sort();
  } catch {
    return [];
  }
}

interface SizeContext {
  opts: Required<Pick<BenchOptions, 'repeat' | 'queryRuns' | 'cores' | 'naive'>> & BenchOptions;
  seed: number;
  cacheDir: string;
  workDir: string;
  log: (line: string) => void;
}

async function benchSize(size: SizeSpec, ctx: SizeContext): Promise<SizeResult> {
  const { opts, log } = ctx;
  const dataset = await prepareDataset(ctx.cacheDir, {
    seed: ctx.seed,
    mbPerSource: size.mbPerSource,
    ...DEFAULT_DATASET,
    ...opts.dataset,
  });
  const d = dataset.summary;
  log(
    `size ${size.label} (${size.mbPerSource} MB per source): ${d.generated ? `generated in ${(d.generateMs / 1000).toFixed(1)} s` : 'cached'} in ${d.dir}; ` +
      `${d.files.cloudtrail} CloudTrail files (${d.events.cloudtrail} records), ${d.files.cloudwatch} Firehose files (${d.events.cloudwatch} log events)`,
  );
  const work = join(ctx.workDir, size.label);
  await rm(work, { recursive: true, force: true });
  await mkdir(work, { recursive: true });
  const tmpDir = join(work, 'tmp');

  const templates = {} as Record<BenchSource, string>;
  for (const source of BENCH_SOURCES) {
    templates[source] = (await prepareLake(join(work, `lake-${source}`), dataset, source)).dir;
  }

  const transform = {} as Record<BenchSource, SourceRuns>;
  const multicore = {} as Record<BenchSource, MulticoreRuns>;
  const inputs = {} as Record<BenchSource, NativeInput>;
  const readreadyDirs = {} as Record<BenchSource, string>;
  const check = await DuckDBInstance.create(':memory:', { threads: String(opts.cores) });
  const db = await check.connect();
  try {
    for (const source of BENCH_SOURCES) {
      log(`  ${source}:`);
      const largest = largestFile(dataset, source);
      const input: NativeInput = {
        root: dataset.dir,
        keys: goodKeys(dataset, source),
        maximumObjectSize: Math.max(16 * 2 ** 20, Math.ceil(largest * 1.1) + 2 ** 20),
      };
      inputs[source] = input;
      const loglake = async (workers: number) => {
        const dir = join(work, `run-loglake${workers}-${source}`);
        const r = await fastest(opts.repeat, async () => ({
          kind: 'loglake',
          lakeDir: await copyLake(templates[source], dir),
          workers,
          // One core: one DuckDB thread. More: DuckDB's threads as loglake sizes them for its lanes
          // (lake/duckThreads.ts), as a deployment with `workers` set gets them.
          writerThreads: workers === 1 ? 1 : 0,
        }));
        const run = toRun('loglake', source, workers, dataset, r);
        log(describe(run));
        return { run, dir };
      };
      const raw = async (kind: 'duckdb' | 'naive', threads: number) => {
        const outDir = join(work, `out-${kind}${threads}-${source}`);
        const r = await fastest(opts.repeat, async () => {
          await rm(outDir, { recursive: true, force: true });
          return kind === 'duckdb'
            ? { kind, source, ...input, keys: [...input.keys], outDir, tmpDir, threads }
            : { kind, source, ...input, keys: [...input.keys], outDir, tmpDir };
        });
        const run = toRun(kind, source, threads, dataset, r);
        log(describe(run));
        return { run, outDir };
      };

      const l1 = await loglake(1);
      const d1 = await raw('duckdb', 1);
      const l2 = await loglake(opts.cores);
      const d2 = await raw('duckdb', opts.cores);
      const n1 = opts.naive ? await raw('naive', 1) : undefined;

      const loglakeOut = join(l1.dir, 'readready', READREADY_TABLE[source]);
      readreadyDirs[source] = loglakeOut;
      const checksums = await compareChecksums(db, loglakeOut, d1.outDir, CHECKSUM_COLUMNS[source]);
      const naiveChecksums = n1
        ? await compareChecksums(db, loglakeOut, n1.outDir, CHECKSUM_COLUMNS[source])
        : undefined;
      const equal = checksums.columns.filter((c) => c.equal).length;
      log(
        `    checksums vs DuckDB: rows ${checksums.rowsLoglake} vs ${checksums.rowsOther}, ` +
          `${equal}/${checksums.columns.length} columns equal${naiveChecksums ? `; vs naive: ${naiveChecksums.allEqual ? 'all equal' : 'DIFFERENT'}` : ''}`,
      );
      transform[source] = {
        loglake: l1.run,
        duckdb: d1.run,
        ...(n1 ? { naive: n1.run, ratioVsNaive: l1.run.eventsPerSec / n1.run.eventsPerSec } : {}),
        ratioVsDuckdb: l1.run.eventsPerSec / d1.run.eventsPerSec,
        ratioVsDuckdbPerCpu: l1.run.eventsPerCpuSec / d1.run.eventsPerCpuSec,
        checksums,
        ...(naiveChecksums ? { naiveChecksums } : {}),
      };
      multicore[source] = {
        loglake: l2.run,
        duckdb: d2.run,
        loglakeSpeedup: l2.run.eventsPerSec / l1.run.eventsPerSec,
        duckdbSpeedup: d2.run.eventsPerSec / d1.run.eventsPerSec,
        ratioVsDuckdb: l2.run.eventsPerSec / d2.run.eventsPerSec,
      };
      await rm(l2.dir, { recursive: true, force: true });
      await rm(d2.outDir, { recursive: true, force: true });
      if (n1) await rm(n1.outDir, { recursive: true, force: true });
    }
  } finally {
    db.closeSync();
    check.closeSync();
  }

  const days = await calendardays(readreadyDirs.cloudtrail);
  const session = [...dataset.manifest.sessions].sort(
    (a, b) => b.logEvents - a.logEvents || a.sessionId.localeCompare(b.sessionId),
  )[0];
  log('  queries (readready vs raw):');
  const readreadyBytes =
    (await dirBytes(readreadyDirs.cloudtrail)).bytes + (await dirBytes(readreadyDirs.cloudwatch)).bytes;
  const queries = await runQueries({
    readready: readreadyDirs,
    raw: inputs,
    params: {
      fromDay: days[0] ?? '1970-01-01',
      toDay: days[Math.min(1, days.length - 1)] ?? '1970-01-01',
      sessionId: session?.sessionId ?? '',
      principal: session?.principalArn ?? '',
    },
    runs: opts.queryRuns,
    threads: opts.cores,
    rawBytes: d.bytesCompressed.cloudtrail + d.bytesCompressed.cloudwatch,
    readreadyBytes,
  });
  for (const q of queries.queries) {
    log(
      `    ${q.name.padEnd(34)} readready ${q.readreadyMs.toFixed(1).padStart(8)} ms  raw ${q.rawMs.toFixed(1).padStart(9)} ms  ` +
        `${q.speedup.toFixed(1)}×${q.sameResult ? '' : '  (ANSWERS DIFFER)'}`,
    );
  }
  log(
    `    storage: raw ${queries.rawBytes} B / readready ${queries.readreadyBytes} B = ${queries.storageRatio.toFixed(2)}×`,
  );

  const addapart = await runAddapartBench({
    objects: dataset.files.map((f) => ({ key: f.key, size: f.compressed })),
    batchSize: opts.addapartBatchSize,
    minNotifications: opts.addapartMinNotifications,
  });
  log(
    `  addapart: ${Math.round(addapart.notificationsPerSec).toLocaleString('en-US')} notifications/s (core), ` +
      `${addapart.writesPer1000Files.toFixed(1)} catalog writes per 1,000 files (warm cache), ` +
      `${addapart.writesPer1000FilesCold.toFixed(1)} (cold cache per batch)`,
  );
  if (!opts.keepWork) await rm(work, { recursive: true, force: true });
  return { size, dataset: d, transform, multicore, queries, addapart };
}

function scalingOf(sizes: readonly SizeResult[]): ScalingPoint[] {
  const points: ScalingPoint[] = [];
  for (const s of sizes) {
    for (const source of BENCH_SOURCES) {
      const t = s.transform[source];
      const m = s.multicore[source];
      for (const r of [t.loglake, m.loglake, t.duckdb, m.duckdb, ...(t.naive ? [t.naive] : [])]) {
        points.push({
          size: s.size.label,
          mbPerSource: s.size.mbPerSource,
          source,
          contender: r.contender,
          threads: r.threads,
          rows: r.rows,
          elapsedMs: r.elapsedMs,
          eventsPerSec: r.eventsPerSec,
          usPerEvent: (r.elapsedMs * 1000) / Math.max(1, r.rows),
          peakRssBytes: r.peakRssBytes,
        });
      }
    }
  }
  return points;
}

/**
 * The benchmark harness: for each size, generates (or reuses) a data set with the project's own
 * generator, then measures in one run on the same files: loglake's transform (a), DuckDB doing the
 * job natively with matching output checked by checksums (b), a naive baseline (c), two cores
 * against one (d), auditor queries on readready against raw (e), addapart (f), and across sizes the
 * scaling (g); then prices a workload on AWS and checks the DESIGN §12 targets. Each contender runs
 * in its own child process, so its peak memory is its own. Results are written as JSON, Markdown and
 * SVG unless `resultsDir` is `null`.
 */
export async function runBench(
  options: BenchOptions & { resultsDir?: string | null } = {},
): Promise<{ result: BenchResult; written?: WrittenResults }> {
  const started = new Date();
  const log = options.log ?? (() => undefined);
  const quick = options.quick ?? false;
  const sizes =
    options.sizes ?? (quick ? [{ label: 'Q', mbPerSource: NAMED_SIZES.Q! }] : parseSizes('S,M,L'));
  const seed = options.seed ?? 1;
  const cacheDir = resolve(options.cacheDir ?? join(BENCH_DIR, '.cache'));
  const workDir = resolve(options.workDir ?? join(tmpdir(), `loglake-bench-${process.pid}`));
  const opts = { repeat: 1, queryRuns: 2, cores: 2, naive: true, ...options };
  const machine = machineInfo();
  log(
    `loglake bench: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.nodeVersion}, DuckDB ${machine.duckdbVersion}, ` +
      `load average ${machine.loadAverage.join(' ')}`,
  );
  const results: SizeResult[] = [];
  try {
    for (const size of sizes) {
      results.push(await benchSize(size, { opts, seed, cacheDir, workDir, log }));
    }
  } finally {
    if (!opts.keepWork) await rm(workDir, { recursive: true, force: true });
  }
  const scaling = scalingOf(results);
  const last = results[results.length - 1]!;
  const totalRows = BENCH_SOURCES.reduce((n, s) => n + last.transform[s].loglake.rows, 0);
  const totalMs = BENCH_SOURCES.reduce((n, s) => n + last.transform[s].loglake.elapsedMs, 0);
  const inputFiles = BENCH_SOURCES.reduce((n, s) => n + last.transform[s].loglake.files, 0);
  const outputFiles = BENCH_SOURCES.reduce((n, s) => n + last.transform[s].loglake.outputFiles, 0);
  const cost = estimateCost({
    size: last.size.label,
    eventsPerSecPerCore: rate(totalRows, totalMs),
    storageRatio: last.queries.storageRatio,
    notificationsPerSec: last.addapart.notificationsPerSec,
    outputsPerFile: outputFiles / Math.max(1, inputFiles),
    catalogWritesPer1000Files: last.addapart.writesPer1000Files,
  });
  const finished = new Date();
  const ex = last.dataset.excludedFiles;
  const result: BenchResult = {
    version: 1,
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    elapsedMs: finished.getTime() - started.getTime(),
    options: { seed, sizes, quick, queryRuns: opts.queryRuns, repeat: opts.repeat },
    machine,
    sizes: results,
    scaling,
    cost,
    targets: checkTargets(results, scaling),
    notes: [
      `DuckDB and naive read only the good files: the ${ex.bad} deliberately bad files and ${ex.skip} digest/insight/check objects ` +
        '(listed in the generator\u2019s manifest) are left out of their input, because one corrupt file fails a whole DuckDB query. loglake gets ' +
        'every landed file; addapart skips the digest objects and transform quarantines the bad files.',
      'events/s = readready rows written per second of the measured step: runTransform for loglake, the COPY for DuckDB, ' +
        'decode plus COPY for naive. MB/s use the good files\u2019 bytes. Every contender runs in its own child process; peak memory is ' +
        'that process\u2019s maxRSS (Node, DuckDB and worker threads together).',
      'One core: loglake threads=1 (its default DuckDB engine, and its JavaScript decoder for the files DuckDB sets aside, on one ' +
        'DuckDB thread and one decode thread) against DuckDB threads=1. loglake reads and sniffs files on Node\u2019s thread pool, so it ' +
        'can use a little more than one core: compare events per CPU-second too. Several cores: loglake workers=N (N lanes, ' +
        'each on its own DuckDB connection, DuckDB’s threads sized beside them) against DuckDB threads=N.',
      `Queries run in one DuckDB with threads=${opts.cores} for both sides, the fastest of ${opts.queryRuns} runs each; raw scans ` +
        'every raw file (no partition pruning), readready prunes by calendarday.',
      ...(machine.loadAverage[0]! > 0.5
        ? [
            `The machine was not idle (load average ${machine.loadAverage.join(' ')} at the start): figures may be low and noisy.`,
          ]
        : []),
    ],
  };
  const written =
    options.resultsDir === null
      ? undefined
      : await writeResults(resolve(options.resultsDir ?? join(BENCH_DIR, 'results')), result);
  return { result, ...(written ? { written } : {}) };
}
