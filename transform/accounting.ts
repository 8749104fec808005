import type { FileCounts, QuarantinedFile, SourceTotals, TransformStages } from '../lake/runManifest.ts';
import type { ChunkOutcome } from './decoders/chunkDecoder.ts';

/*
 * The one accounting module of transform: every count a run reports is made and added here, so
 * `events in = rows + skipped + quarantined` and `files in = decoded + quarantined` hold by the
 * same arithmetic for a file, a source, a run and a whole `loglake transform`.
 */

/** Zero counts of one file. */
export function emptyCounts(): FileCounts {
  return { eventsIn: 0, rows: 0, skipped: {}, quarantined: 0, quarantinedByReason: {} };
}

/** Zero counts of a source or a run. */
export function emptyTotals(): SourceTotals {
  return {
    files: 0,
    filesDecoded: 0,
    filesQuarantined: 0,
    bytesWithheld: 0,
    eventsWithheld: 0,
    bytesCompressed: 0,
    bytesUncompressed: 0,
    ...emptyCounts(),
  };
}

/** Zero time in every stage. */
export const emptyStages = (): TransformStages => ({
  readWaitMs: 0,
  decompressMs: 0,
  decodeMs: 0,
  spoolMs: 0,
  parquetMs: 0,
  publishMs: 0,
  exactFallbackFiles: 0,
});

const addByKey = (into: Record<string, number>, from: Readonly<Record<string, number>>) => {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
};

/** Adds one file's (or source's) event counts into another's. */
export function addCounts(into: FileCounts, c: FileCounts): void {
  into.eventsIn += c.eventsIn;
  into.rows += c.rows;
  into.quarantined += c.quarantined;
  addByKey(into.skipped, c.skipped);
  addByKey(into.quarantinedByReason, c.quarantinedByReason);
}

/** Adds one source's (or run's) totals into another's. */
export function addTotals(into: SourceTotals, t: SourceTotals): void {
  for (const k of [
    'files',
    'filesDecoded',
    'filesQuarantined',
    'bytesWithheld',
    'eventsWithheld',
    'bytesCompressed',
    'bytesUncompressed',
  ] as const) {
    into[k] += t[k];
  }
  addCounts(into, t);
}

/** Adds the time of some stages (a decoder's, or a whole run's) into a run's. */
export function addStages(into: TransformStages, from: Readonly<Partial<TransformStages>>): void {
  for (const [k, v] of Object.entries(from) as [keyof TransformStages, number][]) into[k] += v;
}

/** Runs `fn`, adding its wall time to `stages[stage]`. */
export async function timed<T>(
  stages: TransformStages,
  stage: keyof TransformStages,
  fn: () => Promise<T>,
): Promise<T> {
  const t0 = performance.now();
  try {
    return await fn();
  } finally {
    stages[stage] += performance.now() - t0;
  }
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Whether `eventsIn = rows + skipped + quarantined` (and, for totals, `files = decoded + quarantined`). */
export function isReconciled(t: FileCounts | SourceTotals): boolean {
  const files = 'filesDecoded' in t ? t.files === t.filesDecoded + t.filesQuarantined : true;
  return files && t.eventsIn === t.rows + sum(t.skipped) + t.quarantined;
}

/**
 * The counts of one run as its files' outcomes come in ({@link add}): totals, totals per source,
 * the files quarantined whole, and the events quarantined alone (as JSON lines, never their
 * content). A quarantined file counts the events it held before the failure as quarantined.
 */
export class RunAccount {
  readonly totals = emptyTotals();
  readonly bySource: Record<string, SourceTotals> = {};
  readonly quarantinedFiles: QuarantinedFile[] = [];
  readonly eventQuarantine: string[] = [];

  add({ file, compressed, outcome }: ChunkOutcome): void {
    const t = this.bySource[file.source] ?? emptyTotals();
    this.bySource[file.source] = t;
    if (!outcome.ok) {
      const n = outcome.eventsDecoded;
      const bytes = compressed || file.size;
      for (const target of [t, this.totals]) {
        target.files++;
        target.filesQuarantined++;
        target.bytesWithheld += bytes;
        target.eventsWithheld += n;
        addCounts(target, {
          eventsIn: n,
          rows: 0,
          skipped: {},
          quarantined: n,
          quarantinedByReason: n > 0 ? { [outcome.reason]: n } : {},
        });
      }
      this.quarantinedFiles.push({
        key: file.key,
        reason: outcome.reason,
        message: outcome.message,
        bytes,
        ...(outcome.uncompressedBytes ? { uncompressedBytesRead: outcome.uncompressedBytes } : {}),
        eventsRead: n,
      });
      return;
    }
    for (const target of [t, this.totals]) {
      target.files++;
      target.filesDecoded++;
      target.bytesCompressed += compressed;
      target.bytesUncompressed += outcome.uncompressedBytes;
      addCounts(target, outcome.counts);
    }
    for (const r of outcome.rejected) {
      this.eventQuarantine.push(
        JSON.stringify({
          source_key: file.key,
          event_index: r.index,
          reason: r.reason,
          column: r.column,
          byte_offset: r.byteOffset,
        }),
      );
    }
  }

  /** Every file in accounted for, and every total and source reconciled. */
  reconciled(filesIn: number): boolean {
    return (
      filesIn === this.totals.files &&
      isReconciled(this.totals) &&
      Object.values(this.bySource).every(isReconciled)
    );
  }
}
