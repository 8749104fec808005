import type { QuarantineReason } from './errors.ts';

/*
 * The run manifest: the record one transform run writes to the control store (`runs/<runId>.json`),
 * the commit record readers go by (lake/publishedFiles.ts), the source of the reconciliation tables
 * (lake/runTables.ts) and what `loglake status` shows. Its types live here, beside the readers.
 */

/** Reconciliation counts of one file: `eventsIn = rows + Σ skipped + quarantined`. */
export interface FileCounts {
  eventsIn: number;
  rows: number;
  skipped: Record<string, number>;
  quarantined: number;
  quarantinedByReason: Record<string, number>;
}

/**
 * Where the time went (ms). `readWaitMs`, `parquetMs` and `publishMs` are wall time on the calling
 * thread; the decode stages are summed over the threads that decoded, so with workers they can
 * add up to more than the elapsed time.
 */
export interface TransformStages {
  decompressMs: number;
  decodeMs: number;
  spoolMs: number;
  readWaitMs: number;
  parquetMs: number;
  publishMs: number;
  /**
   * A count, not a time: files the DuckDB engine handed to the JavaScript decoder because it could
   * not decide them exactly (a read error, a flagged value). Real data should keep it near zero;
   * each one costs a second, slower decode.
   */
  exactFallbackFiles: number;
}

/** Counts of one source (or of the whole run). */
export interface SourceTotals extends FileCounts {
  /** Files in: `files = filesDecoded + filesQuarantined`. */
  files: number;
  filesDecoded: number;
  filesQuarantined: number;
  /** What quarantined files withheld: their stored bytes, and the events read before the failure. */
  bytesWithheld: number;
  eventsWithheld: number;
  bytesCompressed: number;
  bytesUncompressed: number;
}

/** The record of one transform run, written to the lake and shown by `loglake status`. */
export interface RunManifest {
  runId: string;
  batchId: string;
  startedAt: string;
  finishedAt: string;
  elapsedMs: number;
  totals: SourceTotals;
  bySource: Record<string, SourceTotals>;
  /** Files claimed by the run: every one is decoded or quarantined. */
  filesIn: number;
  /**
   * `files in = decoded + quarantined` and `events in = rows + skipped + quarantined`, checked for
   * every run and source.
   */
  reconciled: boolean;
  /** Reconciled and nothing quarantined: every file and event of the run reached readready or a named skip. */
  complete: boolean;
  outputs: { table: string; calendarday: string; key: string; rows: number; bytes: number }[];
  /**
   * The batch's input files with their raw partition values, so a reconciliation can list which raw
   * files a run processed (`loglake_run_files`). Absent in manifests written before it was added.
   */
  inputs?: { key: string; source: string; partition: string[] }[];
  /** Main-thread time per stage (ms). Reads and gunzip overlap with decoding, so `waitMs` is what they cost. */
  stages: TransformStages;
  quarantinedFiles: QuarantinedFile[];
}

/** A raw file quarantined whole, with how much evidence it withheld. */
export interface QuarantinedFile {
  key: string;
  reason: QuarantineReason;
  message: string;
  /** Stored (compressed) size of the raw object. */
  bytes: number;
  /** Decompressed bytes read before the failure, when known. */
  uncompressedBytesRead?: number;
  /** Events read before the failure: the file held at least this many. */
  eventsRead: number;
}
