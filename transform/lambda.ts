import type { Context } from 'aws-lambda';
import { containerLake } from '../lake/containerLake.ts';
import type { Lake } from '../lake/lake.ts';
import { isReconciled } from './accounting.ts';
import { processClaims } from './claimLoop.ts';
import { transformContext } from './runTransform.ts';
import { stageBatch } from './transformBatch.ts';

/** What one transform invocation did. */
export interface TransformInvocationResult {
  batches: number;
  files: number;
  rows: number;
  /** Run ids of the manifests written. */
  runIds: string[];
  reconciled: boolean;
  /** It stopped for time (or `maxBatches`) with work possibly left: the next invocation goes on. */
  more: boolean;
  /** Batch runs that failed (the ledger retries, splits or sets them aside). */
  failed: number;
}

/** Options of {@link createTransformHandler}. */
export interface TransformHandlerOptions {
  /** Batches per invocation at most. Default unlimited (the time budget decides). */
  maxBatches?: number;
  /** Time kept in hand at the end of an invocation. Default 30 s. */
  safetyMs?: number;
}

/**
 * Builds the transform handler. Each batch is bounded (`transform.maxFiles`, `transform.maxBytes`):
 * claim from the ledger → {@link stageBatch} → publish → complete. The handler takes another batch only
 * while the time left exceeds twice its slowest batch plus `safetyMs`, so it never runs into the
 * Lambda timeout; then it returns `{ more: true }`.
 *
 * Fan-out: infra/loglake.yaml invokes this function every minute from an EventBridge schedule. An
 * invocation that still finds work keeps working until its time budget is spent, so with a backlog a
 * new invocation starts every minute while earlier ones are still running: up to about
 * `timeout / 1 min` run at once (capped by reserved concurrency), each on claims the ledger makes
 * disjoint. A crashed invocation's claim is taken over, with the same files and id, once its lease
 * (the Lambda timeout) has passed.
 */
export function createTransformHandler(lake: () => Promise<Lake>, opts: TransformHandlerOptions = {}) {
  const { maxBatches = Number.POSITIVE_INFINITY, safetyMs = 30_000 } = opts;
  return async (
    _event: unknown,
    context?: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<TransformInvocationResult> => {
    const l = await lake();
    const ctx = transformContext(l);
    const { maxFiles, maxBytes, prefetch, workers, engine } = l.config.transform;
    const result: TransformInvocationResult = {
      batches: 0,
      files: 0,
      rows: 0,
      runIds: [],
      reconciled: true,
      more: false,
      failed: 0,
    };
    let slowest = 0;
    const loop = await processClaims(l, ctx, {
      maxFiles,
      maxBytes,
      stage: (batchCtx, claim, { onDraining }) =>
        stageBatch(batchCtx, claim, { prefetch, workers, engine, onDraining }),
      shouldContinue: (batches) => {
        const left = context?.getRemainingTimeInMillis() ?? Number.POSITIVE_INFINITY;
        return batches < maxBatches && (batches === 0 || left >= 2 * slowest + safetyMs);
      },
      onBatch: (claim, { manifest, ms }) => {
        slowest = Math.max(slowest, ms);
        if (manifest === undefined) return;
        result.batches++;
        result.files += claim.files.length;
        result.rows += manifest.totals.rows;
        result.runIds.push(manifest.runId);
        result.reconciled &&= manifest.reconciled && isReconciled(manifest.totals);
      },
    });
    result.more = loop.stopped;
    result.failed = loop.failures.length;
    return result;
  };
}

/** The Lambda entry point, invoked by the schedule in infra/loglake.yaml. */
export const handler = createTransformHandler(containerLake());
