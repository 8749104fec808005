import { createHash } from 'node:crypto';
import { errorMessage } from '../lake/errors.ts';
import type { ObjectStore } from '../lake/ports.ts';
import type { AddapartStats, BatchOutcome } from './processBatch.ts';

/** A key addapart quarantined: it belongs to a source but could not be registered. */
export interface AddapartQuarantine {
  bucket: string;
  key: string;
  source: string;
  reason: string;
  message: string;
}

/** The record of one addapart batch, `addapart/runs/<runId>.json` in the control store. */
export interface AddapartRunRecord {
  runId: string;
  at: string;
  stats: AddapartStats;
  quarantined: AddapartQuarantine[];
  skippedExamples: Record<string, { bucket: string; key: string }[]>;
  /** Every failed message, named, with its reason (it goes back to the queue, and to the DLQ in the end). */
  failures: { messageId: string; error: string }[];
}

/** Where run records live in the control store. */
export const ADDAPART_RUNS_PREFIX = 'addapart/runs/';

/** `20261101T081502123Z`: a time that sorts as text. */
const stampOf = (d: Date) =>
  d
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.(\d{3})Z$/, '$1Z');

/** The run record of a batch outcome; its id sorts by time. */
export function addapartRunRecord(outcome: BatchOutcome, now = new Date()): AddapartRunRecord {
  const failures = outcome.failures.map((f) => ({ messageId: f.messageId, error: f.error.message }));
  const hash = createHash('sha256')
    .update(JSON.stringify([outcome.stats, failures, outcome.quarantined]))
    .update(String(Math.random()))
    .digest('hex')
    .slice(0, 10);
  const stamp = stampOf(now);
  return {
    runId: `${stamp}-${hash}`,
    at: now.toISOString(),
    stats: outcome.stats,
    quarantined: outcome.quarantined,
    skippedExamples: outcome.skippedExamples,
    failures,
  };
}

/**
 * Writes a batch's run record, so every notified object's end (recorded, skipped by a named rule,
 * quarantined, or failed) is counted somewhere `loglake status` reads. A failed write is logged and
 * does not fail the batch: the outcome itself (ledger, partitions, quarantine records) is durable.
 */
export async function recordAddapartRun(
  control: ObjectStore,
  outcome: BatchOutcome,
  warn: (message: string, context: Record<string, unknown>) => void = (message, context) =>
    console.warn(JSON.stringify({ level: 'WARN', message, ...context })),
): Promise<void> {
  if (outcome.stats.messages === 0) return;
  const record = addapartRunRecord(outcome);
  try {
    await control.put(`${ADDAPART_RUNS_PREFIX}${record.runId}.json`, JSON.stringify(record, null, 2), {
      contentType: 'application/json',
    });
  } catch (err) {
    warn('writing the addapart run record failed', { runId: record.runId, error: errorMessage(err) });
  }
}

/** The last `n` addapart run records, oldest first. */
export async function recentAddapartRuns(
  control: ObjectStore,
  n: number,
  now = new Date(),
): Promise<AddapartRunRecord[]> {
  const listKeys = async (startAfter?: string) => {
    const keys: string[] = [];
    for await (const o of control.list(ADDAPART_RUNS_PREFIX, startAfter ? { startAfter } : {}))
      keys.push(o.key);
    return keys;
  };
  // Run ids start with their time, and a busy queue makes one record per batch: list the last two
  // days first (the store skips older keys itself), and everything only when that is too few.
  let keys = await listKeys(`${ADDAPART_RUNS_PREFIX}${stampOf(new Date(now.getTime() - 2 * 86_400_000))}`);
  if (keys.length < n) keys = await listKeys();
  const out: AddapartRunRecord[] = [];
  for (const key of keys.sort().slice(-n)) {
    out.push(JSON.parse(Buffer.from(await control.get(key)).toString('utf8')) as AddapartRunRecord);
  }
  return out;
}

/** Keys quarantined at addapart (their records in the quarantine store), up to `max`. */
export async function addapartQuarantined(
  quarantine: ObjectStore,
  max: number,
): Promise<AddapartQuarantine[]> {
  const out: AddapartQuarantine[] = [];
  for await (const o of quarantine.list('addapart/')) {
    if (out.length >= max) break;
    out.push(JSON.parse(Buffer.from(await quarantine.get(o.key)).toString('utf8')) as AddapartQuarantine);
  }
  return out;
}
