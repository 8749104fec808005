import { errorMessage, LoglakeError } from '../lake/errors.ts';
import { type Lake, refreshLiveConfig } from '../lake/lake.ts';
import type { Claim, ObjectStore } from '../lake/ports.ts';
import type { RunManifest } from '../lake/runManifest.ts';
import { readreadyTablesOf } from '../sources/loader.ts';
import { withContentFilters } from './contentFilter.ts';
import { RecordingStore } from './recordingStore.ts';
import type { StagedBatch, TransformContext } from './transformBatch.ts';
import { quarantineKey } from './writeRunRecord.ts';

/** Too many runs failed in a row with no success between: the lake (not one file) is in trouble. */
export class TransformStalledError extends LoglakeError {}

/** Options of {@link processClaims}. */
export interface ClaimLoopOptions {
  maxFiles: number;
  maxBytes: number;
  /**
   * Decodes one claimed batch in the context given, up to the point where only publishing is left
   * (normally {@link stageBatch}). The loop claims and decodes the next batch while this one
   * publishes, so the lanes do not wait for a batch's catalog and ledger writes.
   */
  stage(ctx: TransformContext, claim: Claim, hooks: StageHooks): Promise<StagedBatch>;
  /** Asked before each claim with the batches done so far; false stops the loop. Default: go on. */
  shouldContinue?(batches: number): boolean;
  /** Called after each batch, done or failed. */
  onBatch?(claim: Claim, outcome: { manifest?: RunManifest; error?: Error; ms: number }): void;
  /**
   * Failed runs in a row, with no success between, after which the loop stops with
   * {@link TransformStalledError}. Default: enough for a poison file in a full batch to be split
   * down and set aside (`maxAttempts × (log2(maxFiles) + 2)`), so only an outage stops it.
   */
  maxConsecutiveFailures?: number;
}

/** What the loop asks of a stage beyond its batch. */
export interface StageHooks {
  /**
   * To be called once a lane has no chunk left to take (the batch's last chunks are in hand): the
   * loop then claims the next batch, so the lanes do not wait for the claim once this one is staged.
   */
  onDraining(): void;
}

/** What {@link processClaims} did. */
export interface ClaimLoopResult {
  runs: RunManifest[];
  failures: { batchId: string; files: number; error: string }[];
  /** The loop stopped because `shouldContinue` said so (work may be left). */
  stopped: boolean;
}

/**
 * The one claim loop of transform (CLI, Lambda, bench): claim → stage → publish → complete, or
 * fail. A batch publishes while the next one is claimed and staged (the lanes stay busy), and
 * batches publish in the order they were claimed. A run that throws is recorded with
 * `ledger.fail`, so the ledger retries the claim, then splits it and finally sets the poison file
 * aside: a bad file never blocks the landings after it. Before a split half runs, the outputs of
 * the batch it came from are removed (its failed run may have written some); after a replayed
 * batch succeeds, its outputs and quarantine records the new run no longer wrote are removed, so a
 * replay leaves each event exactly once.
 */
export async function processClaims(
  lake: Lake,
  ctx: TransformContext,
  opts: ClaimLoopOptions,
): Promise<ClaimLoopResult> {
  const maxAttempts = lake.config.transform.maxAttempts;
  const { maxConsecutiveFailures = maxAttempts * (Math.ceil(Math.log2(Math.max(2, opts.maxFiles))) + 2) } =
    opts;
  const result: ClaimLoopResult = { runs: [], failures: [], stopped: false };
  let inARow = 0;
  /** The batch publishing in the background, if any: its end rejects only when the loop stalls. */
  let publishing: { batchId: string; done: Promise<void> } | undefined;
  const settle = async () => {
    const p = publishing;
    publishing = undefined;
    await p?.done;
  };
  const failed = async (claim: Claim, err: unknown, started: number) => {
    const error = errorMessage(err);
    await lake.ledger.fail(claim.batchId, error);
    result.failures.push({ batchId: claim.batchId, files: claim.files.length, error });
    opts.onBatch?.(claim, { error: err instanceof Error ? err : new Error(error), ms: Date.now() - started });
    if (++inARow >= maxConsecutiveFailures) {
      throw new TransformStalledError(
        `transform stopped after ${inARow} failed batches in a row: ${error}`,
        { batchId: claim.batchId, failures: inARow },
        { cause: err },
      );
    }
  };
  const claimNext = async (held: ReadonlySet<string>) => {
    await refreshLiveConfig(lake);
    return lake.ledger.claim({ maxFiles: opts.maxFiles, maxBytes: opts.maxBytes, held });
  };
  const begun = () => result.runs.length + result.failures.length + (publishing === undefined ? 0 : 1);
  /** The next batch, claimed while the last one's final chunks decode (see {@link StageHooks}). */
  let ahead: Promise<Claim | undefined> | undefined;
  try {
    for (;;) {
      // A claim made ahead was already allowed by shouldContinue (it holds files, on AWS a lease):
      // it runs. One that found nothing is asked again, since the batch staging then may have failed.
      let claim = await ahead;
      ahead = undefined;
      if (claim === undefined) {
        if (opts.shouldContinue && !opts.shouldContinue(begun())) {
          await settle();
          result.stopped = true;
          return result;
        }
        claim = await claimNext(new Set(publishing === undefined ? [] : [publishing.batchId]));
      }
      if (claim === undefined) {
        if (publishing === undefined) return result;
        // The batch that was publishing may fail, and is then claimable again.
        await settle();
        continue;
      }
      // A source added or fixed, or an account denied, in the live configuration applies from the
      // next claim on (the filter's lists also drop rows by content, see withContentFilters).
      const batchCtx: TransformContext = { ...ctx, sources: withContentFilters(lake.sources, lake.filter) };
      const started = Date.now();
      const readready = new RecordingStore(ctx.readready);
      const quarantine = new RecordingStore(ctx.quarantine);
      let staged: StagedBatch;
      try {
        const older = (claim.supersedes ?? []).filter((id) => id !== claim.batchId);
        if (older.length > 0) await removeBatchOutputs(batchCtx, claim, older, new Set());
        const staging = claim;
        const onDraining = () => {
          // One claim ahead at most, only if the loop would go on after this batch.
          if (ahead !== undefined || (opts.shouldContinue && !opts.shouldContinue(begun() + 1))) return;
          const held = new Set([staging.batchId, ...(publishing === undefined ? [] : [publishing.batchId])]);
          ahead = claimNext(held);
          // Its failure surfaces where the loop takes it, not as an unhandled rejection.
          ahead.catch(() => undefined);
        };
        staged = await opts.stage({ ...batchCtx, readready, quarantine }, claim, { onDraining });
      } catch (err) {
        await settle();
        await failed(claim, err, started);
        continue;
      }
      // One batch publishes at a time, in claim order.
      await settle();
      const publish = async () => {
        let manifest: RunManifest;
        try {
          manifest = await staged.publish();
          if (claim.supersedes?.includes(claim.batchId)) {
            await removeBatchOutputs(batchCtx, claim, [claim.batchId], readready.written);
            await removeStaleQuarantine(ctx.quarantine, claim, quarantine.written);
          }
          await lake.ledger.complete(claim.batchId);
        } catch (err) {
          await failed(claim, err, started);
          return;
        }
        inARow = 0;
        result.runs.push(manifest);
        opts.onBatch?.(claim, { manifest, ms: Date.now() - started });
      };
      const done = publish();
      // Its failure surfaces where the loop waits for it (settle), not as an unhandled rejection.
      done.catch(() => undefined);
      publishing = { batchId: claim.batchId, done };
    }
  } finally {
    // Never leave a publish or a claim running behind the caller's back, whatever stopped the loop.
    await publishing?.done.catch(() => undefined);
    await ahead?.catch(() => undefined);
  }
}

/** Readready (and extract) tables the claim's files write to. */
function tablesOf(ctx: TransformContext, claim: Claim): string[] {
  const names = new Set(claim.files.map((f) => f.source));
  return ctx.sources.filter((s) => names.has(s.name)).flatMap(readreadyTablesOf);
}

/**
 * Removes the readready outputs (`part-<id>-*.parquet`) and event-quarantine record of the batches
 * `ids`, except the keys in `keep`. It lists the claim's tables: a cost paid only for splits and
 * replays, never on the normal path.
 */
async function removeBatchOutputs(
  ctx: TransformContext,
  claim: Claim,
  ids: readonly string[],
  keep: ReadonlySet<string>,
): Promise<void> {
  const prefixes = ids.map((id) => `part-${id}-`);
  for (const table of tablesOf(ctx, claim)) {
    const stale: string[] = [];
    for await (const o of ctx.readready.list(`${table}/`)) {
      const name = o.key.slice(o.key.lastIndexOf('/') + 1);
      if (!keep.has(o.key) && prefixes.some((p) => name.startsWith(p))) stale.push(o.key);
    }
    for (const key of stale) await ctx.readready.delete(key);
  }
  for (const id of ids)
    if (!keep.has(`events/${id}.jsonl`)) await ctx.quarantine.delete(`events/${id}.jsonl`);
}

/** After a replay, files the new run did not quarantine lose their old quarantine record. */
async function removeStaleQuarantine(
  quarantine: ObjectStore,
  claim: Claim,
  written: ReadonlySet<string>,
): Promise<void> {
  for (const f of claim.files) {
    const key = quarantineKey(f.source, f.key);
    if (!written.has(key)) await quarantine.delete(key);
  }
  if (!written.has(`events/${claim.batchId}.jsonl`)) await quarantine.delete(`events/${claim.batchId}.jsonl`);
}
