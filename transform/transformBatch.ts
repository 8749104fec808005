import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { DecodeError, errorMessage, ObjectNotFoundError, type QuarantineReason } from '../lake/errors.ts';
import type { Catalog, Claim, LandedFile, ObjectStore } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { type DecodedFile, decodeFile, type FileCounts } from './decodeFile.ts';
import { ParquetSink } from './parquetSink.ts';
import { compileProjector, type Projector } from './project.ts';

/** Everything a transform run touches; the same for Lambda, the CLI and the bench. */
export interface TransformContext {
  raw: ObjectStore;
  readready: ObjectStore;
  quarantine: ObjectStore;
  /** Where run manifests go. */
  control: ObjectStore;
  catalog: Catalog;
  database: string;
  sources: readonly SourceDefinition[];
  /** DuckDB connection used to write Parquet. */
  duck: DuckDBConnection;
  /** Local scratch folder (Lambda: /tmp). */
  tmpDir: string;
}

export interface TransformOptions {
  /** Files fetched and decompressed ahead of the one being parsed. */
  prefetch?: number;
  /** A file decompressing to more than this is quarantined as `too_large`. */
  maxUncompressedBytes?: number;
  onProgress?: (filesDone: number, filesTotal: number) => void;
}

/** Counts of one source (or of the whole run). */
export interface SourceTotals extends FileCounts {
  files: number;
  filesQuarantined: number;
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
  /** `events in = rows + skipped + quarantined`, checked for every run. */
  reconciled: boolean;
  outputs: { table: string; calendarday: string; key: string; rows: number; bytes: number }[];
  quarantinedFiles: { key: string; reason: QuarantineReason; message: string }[];
}

const projectors = new WeakMap<SourceDefinition, Projector>();

function projectorOf(source: SourceDefinition): Projector {
  let p = projectors.get(source);
  if (p === undefined) {
    p = compileProjector(source);
    projectors.set(source, p);
  }
  return p;
}

function emptyTotals(): SourceTotals {
  return {
    files: 0,
    filesQuarantined: 0,
    bytesCompressed: 0,
    bytesUncompressed: 0,
    eventsIn: 0,
    rows: 0,
    skipped: {},
    quarantined: 0,
    quarantinedByReason: {},
  };
}

function addCounts(into: SourceTotals, c: FileCounts): void {
  into.eventsIn += c.eventsIn;
  into.rows += c.rows;
  into.quarantined += c.quarantined;
  for (const [k, v] of Object.entries(c.skipped)) into.skipped[k] = (into.skipped[k] ?? 0) + v;
  for (const [k, v] of Object.entries(c.quarantinedByReason)) {
    into.quarantinedByReason[k] = (into.quarantinedByReason[k] ?? 0) + v;
  }
}

const sum = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);

/** Whether `eventsIn = rows + skipped + quarantined`. */
export function isReconciled(t: FileCounts): boolean {
  return t.eventsIn === t.rows + sum(t.skipped) + t.quarantined;
}

type Fetched =
  | { ok: true; file: LandedFile; source: SourceDefinition; compressed: number; decoded: DecodedFile }
  | { ok: false; file: LandedFile; reason: QuarantineReason; message: string; eventsDecoded: number };

/** The readready object key of a batch's output: a function of the batch's input set only. */
export function outputKey(table: string, calendarday: string, batchId: string): string {
  return `${table}/calendarday=${calendarday}/part-${batchId}.parquet`;
}

/** Quarantine record key of a raw file: deterministic, so a re-run overwrites it. */
export function quarantineKey(source: string, rawKey: string): string {
  return `${source}/files/${createHash('sha256').update(rawKey).digest('hex').slice(0, 32)}.json`;
}

/**
 * Transforms one claimed batch of landed raw files into readready Parquet, registers the readready
 * partitions, quarantines bad files with reasons, and writes the run manifest. Outputs are named
 * after the batch id, which is a hash of the input keys, so re-running a batch overwrites its own
 * outputs instead of adding rows.
 */
export async function transformBatch(
  ctx: TransformContext,
  claim: Claim,
  opts: TransformOptions = {},
): Promise<RunManifest> {
  const { prefetch = 8, maxUncompressedBytes = 1024 * 1024 * 1024 } = opts;
  const started = Date.now();
  const sources = new Map(ctx.sources.map((s) => [s.name, s]));
  const totals = emptyTotals();
  const bySource: Record<string, SourceTotals> = {};
  const quarantinedFiles: RunManifest['quarantinedFiles'] = [];
  const eventQuarantine: string[] = [];
  const sink = new ParquetSink(ctx.duck, join(ctx.tmpDir, `batch-${claim.batchId}`));

  const fetchOne = async (file: LandedFile): Promise<Fetched> => {
    const source = sources.get(file.source);
    if (source === undefined) {
      return { ok: false, file, reason: 'unknown_source', message: `no source named ${file.source}`, eventsDecoded: 0 };
    }
    try {
      const bytes = await ctx.raw.get(file.key);
      const decoded = await decodeFile(bytes, file.key, source, projectorOf(source), { maxUncompressedBytes });
      return { ok: true, file, source, compressed: bytes.byteLength, decoded };
    } catch (err) {
      if (err instanceof DecodeError) {
        const eventsDecoded = Number(err.context.eventsDecoded ?? 0);
        return { ok: false, file, reason: err.reason, message: err.message, eventsDecoded };
      }
      if (err instanceof ObjectNotFoundError) {
        return { ok: false, file, reason: 'read_failed', message: 'raw object not found', eventsDecoded: 0 };
      }
      throw err;
    }
  };

  try {
    const inflight: Promise<Fetched>[] = [];
    let next = 0;
    const topUp = () => {
      while (next < claim.files.length && inflight.length < prefetch) inflight.push(fetchOne(claim.files[next++]!));
    };
    topUp();
    for (let done = 0; done < claim.files.length; done++) {
      const result = await inflight.shift()!;
      topUp();
      const t = (bySource[result.file.source] ??= emptyTotals());
      t.files++;
      totals.files++;
      if (!result.ok) {
        t.filesQuarantined++;
        totals.filesQuarantined++;
        const partial: FileCounts = {
          eventsIn: result.eventsDecoded,
          rows: 0,
          skipped: {},
          quarantined: result.eventsDecoded,
          quarantinedByReason: result.eventsDecoded > 0 ? { [result.reason]: result.eventsDecoded } : {},
        };
        addCounts(t, partial);
        addCounts(totals, partial);
        quarantinedFiles.push({ key: result.file.key, reason: result.reason, message: result.message });
      } else {
        const { decoded, source } = result;
        t.bytesCompressed += result.compressed;
        t.bytesUncompressed += decoded.uncompressedBytes;
        totals.bytesCompressed += result.compressed;
        totals.bytesUncompressed += decoded.uncompressedBytes;
        addCounts(t, decoded.counts);
        addCounts(totals, decoded.counts);
        const columns = projectorOf(source).columns;
        for (const [day, lines] of decoded.rowsByDay) await sink.append(source.readreadyTable, day, columns, lines);
        for (const r of decoded.rejected) {
          eventQuarantine.push(
            JSON.stringify({ source_key: result.file.key, event_index: r.index, reason: r.reason, column: r.column }),
          );
        }
      }
      opts.onProgress?.(done + 1, claim.files.length);
    }

    const sinkOutputs = await sink.finish();
    const outputs: RunManifest['outputs'] = [];
    const partitionsByTable = new Map<string, { values: string[]; location: string }[]>();
    for (const o of sinkOutputs) {
      const key = outputKey(o.table, o.calendarday, claim.batchId);
      await ctx.readready.putFile(key, o.localPath, { contentType: 'application/vnd.apache.parquet' });
      await rm(o.localPath, { force: true });
      outputs.push({ table: o.table, calendarday: o.calendarday, key, rows: o.rows, bytes: o.bytes });
      const list = partitionsByTable.get(o.table) ?? [];
      list.push({ values: [o.calendarday], location: ctx.readready.uri(`${o.table}/calendarday=${o.calendarday}/`) });
      partitionsByTable.set(o.table, list);
    }
    for (const [table, partitions] of partitionsByTable) {
      const result = await ctx.catalog.createPartitions(ctx.database, table, partitions);
      if (result.failed.length > 0) {
        throw new Error(`registering readready partitions failed: ${errorMessage(result.failed[0]?.error)}`);
      }
    }

    const runIdTime = new Date(started).toISOString().replace(/[-:]/g, '').replace(/\..*/, '');
    const runId = `${runIdTime}-${claim.batchId}`;
    for (const q of quarantinedFiles) {
      const source = claim.files.find((f) => f.key === q.key)?.source ?? 'unknown';
      await ctx.quarantine.put(
        quarantineKey(source, q.key),
        JSON.stringify({ source_key: q.key, source, reason: q.reason, message: q.message, run_id: runId }),
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
      reconciled: isReconciled(totals) && Object.values(bySource).every(isReconciled),
      outputs,
      quarantinedFiles,
    };
    await ctx.control.put(`runs/${runId}.json`, JSON.stringify(manifest, null, 2), { contentType: 'application/json' });
    return manifest;
  } catch (err) {
    await sink.abort();
    throw err;
  }
}
