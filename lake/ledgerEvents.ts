import type { LandedFile } from './ports.ts';

/** What the ledger did with a failed claim. */
export type LedgerEventKind = 'claim_failed' | 'claim_split' | 'claim_set_aside' | 'claims_replayed';

/** CloudWatch metric (namespace `loglake`) each ledger event counts, one per event. */
export const LEDGER_METRICS: Record<LedgerEventKind, string> = {
  claim_failed: 'ClaimFailures',
  claim_split: 'ClaimsSplit',
  claim_set_aside: 'ClaimsSetAside',
  claims_replayed: 'ClaimsReplayed',
};

/** One ledger event; keys are listed (at most 10), never contents. */
export interface LedgerEvent {
  kind: LedgerEventKind;
  batchId: string;
  files: readonly LandedFile[];
  attempts?: number;
  error?: string;
  /** Ids of the halves a split made, or of the batches a replay opened. */
  into?: string[];
}

/** Where ledger events go: one line of text each. Default `console.log`. */
export type LedgerLog = (line: string) => void;

/** Errors can quote input (a JSON parser shows the text near the fault): keep them short. */
export function shortError(error: string, max = 500): string {
  return error.length > max ? `${error.slice(0, max)}…` : error;
}

/**
 * Formats a ledger event as one structured log line in CloudWatch Embedded Metric Format: on Lambda
 * the line becomes a `loglake` metric (`ClaimsSetAside`, …) without any API call, and an alarm on
 * it needs no log filter. Elsewhere it is a plain JSON log line.
 */
export function ledgerEventLine(e: LedgerEvent, now = Date.now()): string {
  const metric = LEDGER_METRICS[e.kind];
  return JSON.stringify({
    _aws: {
      Timestamp: now,
      CloudWatchMetrics: [
        { Namespace: 'loglake', Dimensions: [[]], Metrics: [{ Name: metric, Unit: 'Count' }] },
      ],
    },
    [metric]: 1,
    level: e.kind === 'claim_set_aside' ? 'ERROR' : 'WARN',
    message: e.kind.replace(/_/g, ' '),
    event: e.kind,
    batchId: e.batchId,
    fileCount: e.files.length,
    keys: e.files.slice(0, 10).map((f) => f.key),
    ...(e.attempts !== undefined ? { attempts: e.attempts } : {}),
    ...(e.error !== undefined ? { error: shortError(e.error) } : {}),
    ...(e.into !== undefined ? { into: e.into } : {}),
  });
}

/** Writes a ledger event to `log` (default stdout). */
export function emitLedgerEvent(e: LedgerEvent, log: LedgerLog = console.log): void {
  log(ledgerEventLine(e));
}

/** What to do with an open claim that is about to be handed out again. */
export type RetryStep =
  | { step: 'retry' }
  | { step: 'split'; halves: [LandedFile[], LandedFile[]] }
  | { step: 'set_aside' };

/**
 * Decides the fate of an open claim already handed out `attempts` times: retry it as it is while
 * tries are left; then split a batch of several files into two halves in key order (good files
 * flow, the poison file ends alone after about log2(n) splits); set a single file aside.
 */
export function retryStep(files: readonly LandedFile[], attempts: number, maxAttempts: number): RetryStep {
  if (attempts < maxAttempts) return { step: 'retry' };
  if (files.length <= 1) return { step: 'set_aside' };
  const sorted = [...files].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const mid = Math.ceil(sorted.length / 2);
  return { step: 'split', halves: [sorted.slice(0, mid), sorted.slice(mid)] };
}
