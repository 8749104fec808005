import type { TransformEngine } from '../lake/config.ts';
import type { Lake } from '../lake/lake.ts';
import type { RunManifest, SourceTotals, TransformStages } from '../lake/runManifest.ts';
import { addStages, addTotals, emptyStages, emptyTotals, isReconciled } from './accounting.ts';
import { processClaims } from './claimLoop.ts';
import { withContentFilters } from './contentFilter.ts';
import { stageBatch, type TransformContext } from './transformBatch.ts';

export interface RunTransformOptions {
  maxFiles?: number;
  maxBytes?: number;
  prefetch?: number;
  /** Lanes of the duckdb engine, worker threads of js (default from config; 1 decodes one chunk at a time). */
  workers?: number;
  /** Which decoder does the bulk (default from config: `duckdb`). */
  engine?: TransformEngine;
  onProgress?: (filesDone: number, filesTotal: number) => void;
}

/** Everything one `loglake transform` did, over all its batches. */
export interface TransformSummary {
  runs: RunManifest[];
  totals: SourceTotals;
  elapsedMs: number;
  reconciled: boolean;
  /** Reconciled, and no file or event quarantined. */
  complete: boolean;
  /** Main-thread milliseconds per stage, summed over the runs. */
  stages: TransformStages;
  /** Batch runs that failed; the ledger retries, splits or sets them aside (`loglake status`). */
  failures: { batchId: string; files: number; error: string }[];
}

/** The transform context of a lake. */
export function transformContext(lake: Lake): TransformContext {
  return {
    raw: lake.raw,
    rawFor: (file) => lake.sourceStores.storeFor(file),
    readready: lake.readready,
    quarantine: lake.quarantine,
    control: lake.control,
    catalog: lake.catalog,
    database: lake.config.database,
    sources: withContentFilters(lake.sources, lake.config.filter),
    duck: lake.duck,
    connectDuck: () => lake.connectDuck(),
    tmpDir: lake.tmpDir,
  };
}

/**
 * Transforms every landed file, one bounded batch at a time: claim, transform, mark done (the
 * shared loop, {@link processClaims}). A batch left claimed by a crash is claimed again first, with
 * the same files and id, so its outputs are overwritten rather than duplicated; a batch that keeps
 * failing is split and its poison file set aside, so the rest of the lake flows.
 */
export async function runTransform(lake: Lake, opts: RunTransformOptions = {}): Promise<TransformSummary> {
  const started = Date.now();
  const { maxFiles = lake.config.transform.maxFiles, maxBytes = lake.config.transform.maxBytes } = opts;
  const ctx = transformContext(lake);
  const totals = emptyTotals();
  const counts = await lake.ledger.counts();
  const total = counts.pending + counts.claimed;
  // Files of the batches begun (the one publishing included), less those of batches that failed.
  let begun = 0;
  const loop = await processClaims(lake, ctx, {
    maxFiles,
    maxBytes,
    stage: (batchCtx, claim, { onDraining }) => {
      const base = begun;
      begun += claim.files.length;
      return stageBatch(batchCtx, claim, {
        prefetch: opts.prefetch ?? lake.config.transform.prefetch,
        workers: opts.workers ?? lake.config.transform.workers,
        engine: opts.engine ?? lake.config.transform.engine,
        onProgress: (n) => opts.onProgress?.(Math.min(total, base + n), total),
        onDraining,
      });
    },
    onBatch: (claim, outcome) => {
      if (!outcome.manifest) begun -= claim.files.length;
    },
  });
  const runs = loop.runs;
  for (const r of runs) addTotals(totals, r.totals);
  const stages = emptyStages();
  for (const r of runs) addStages(stages, r.stages);
  return {
    runs,
    totals,
    stages,
    elapsedMs: Date.now() - started,
    failures: loop.failures,
    reconciled: isReconciled(totals) && runs.every((r) => r.reconciled),
    complete: runs.every((r) => r.complete),
  };
}
