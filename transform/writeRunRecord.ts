import { createHash } from 'node:crypto';
import type { Claim } from '../lake/ports.ts';
import type { RunManifest, TransformStages } from '../lake/runManifest.ts';
import {
  LOGLAKE_RUN_FILES_COLUMNS,
  LOGLAKE_RUNS_COLUMNS,
  runTableNdjson,
  runTableRows,
} from '../lake/runTables.ts';
import type { RunAccount } from './accounting.ts';
import type { TransformContext } from './transformBatch.ts';

/** Quarantine record key of a raw file: deterministic, so a re-run overwrites it. */
export function quarantineKey(source: string, rawKey: string): string {
  return `${source}/files/${createHash('sha256').update(rawKey).digest('hex').slice(0, 32)}.json`;
}

/** What a run did, for its record. */
export interface RunRecordInput {
  /** When the run started (ms since the epoch). */
  started: number;
  account: RunAccount;
  /** What the sink published. */
  outputs: RunManifest['outputs'];
  stages: TransformStages;
}

/**
 * Writes the record of a finished run, after its outputs are published: a quarantine record per
 * file quarantined whole, one JSON-lines record of the events quarantined alone, the run manifest
 * (`runs/<runId>.json`, the commit record readers go by) and the run tables' rows for Athena.
 */
export async function writeRunRecord(
  ctx: Pick<TransformContext, 'quarantine' | 'control' | 'sources'>,
  claim: Claim,
  run: RunRecordInput,
): Promise<RunManifest> {
  const { started, account, outputs, stages } = run;
  const { totals, bySource, quarantinedFiles, eventQuarantine } = account;
  quarantinedFiles.sort((a, b) => a.key.localeCompare(b.key));
  eventQuarantine.sort();
  const runIdTime = new Date(started).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
  const runId = `${runIdTime}-${claim.batchId}`;
  for (const q of quarantinedFiles) {
    const source = claim.files.find((f) => f.key === q.key)?.source ?? 'unknown';
    await ctx.quarantine.put(
      quarantineKey(source, q.key),
      JSON.stringify({ ...q, source_key: q.key, source, run_id: runId }),
      { contentType: 'application/json' },
    );
  }
  if (eventQuarantine.length > 0) {
    await ctx.quarantine.put(`events/${claim.batchId}.jsonl`, `${eventQuarantine.join('\n')}\n`);
  }
  const manifest: RunManifest = {
    runId,
    batchId: claim.batchId,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    elapsedMs: Date.now() - started,
    totals,
    bySource,
    filesIn: claim.files.length,
    reconciled: account.reconciled(claim.files.length),
    complete: false,
    outputs,
    inputs: claim.files.map((f) => ({ key: f.key, source: f.source, partition: f.partition })),
    stages,
    quarantinedFiles,
  };
  manifest.complete = manifest.reconciled && totals.filesQuarantined === 0 && totals.quarantined === 0;
  await ctx.control.put(`runs/${runId}.json`, JSON.stringify(manifest, null, 2), {
    contentType: 'application/json',
  });
  // The reconciliation tables' rows (loglake_runs, loglake_run_files) for Athena's JSON SerDe.
  const runRows = runTableRows(manifest, `runs/${runId}.json`, ctx.sources);
  await ctx.control.put(
    `tables/loglake_runs/${runId}.json`,
    runTableNdjson(LOGLAKE_RUNS_COLUMNS, [runRows.run]),
  );
  if (runRows.files.length > 0) {
    await ctx.control.put(
      `tables/loglake_run_files/${runId}.json`,
      runTableNdjson(LOGLAKE_RUN_FILES_COLUMNS, runRows.files),
    );
  }
  return manifest;
}
