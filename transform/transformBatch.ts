import { createHash } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { type PartitionLocation, partitionLocationFor } from '../compact/partitionLocationFor.ts';
import type { TransformEngine } from '../lake/config.ts';
import { isGlobLike } from '../lake/duckPaths.ts';
import { errorMessage } from '../lake/errors.ts';
import type { Catalog, Claim, LandedFile, ObjectStore, ReadOnlyObjectStore } from '../lake/ports.ts';
import type { FileCounts, RunManifest, SourceTotals, TransformStages } from '../lake/runManifest.ts';
import {
  LOGLAKE_RUN_FILES_COLUMNS,
  LOGLAKE_RUNS_COLUMNS,
  runTableNdjson,
  runTableRows,
} from '../lake/runTables.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { type ChunkOutcome, DECODERS } from './decoders/index.ts';
import type { FileOutcome } from './decoders/js/decodeRawFile.ts';
import type { SpoolFile } from './decoders/js/spool.ts';
import { landedFileReader } from './readLandedFile.ts';
import { extractsByTable, writeExtracts } from './writeExtracts.ts';
import { type ParquetOutput, type SqlRows, writeParquet } from './writeParquet.ts';

/** Everything a transform run touches; the same for Lambda, the CLI and the bench. */
export interface TransformContext {
  raw: ObjectStore;
  /**
   * The store a landed file is read from: its own bucket's (read only), `undefined` for a bucket
   * that is not configured. Default: `raw` for every file.
   */
  rawFor?(file: LandedFile): ReadOnlyObjectStore | undefined;
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
  /** Files read ahead of the one being decoded. */
  prefetch?: number;
  /** Decode worker threads of the `js` engine; 1 decodes on the calling thread. */
  workers?: number;
  /**
   * Files per output chunk. Each chunk's Parquet is written while the next chunk decodes; chunks
   * are cut by position in the (key-ordered) batch, so a re-run cuts them the same way.
   */
  chunkFiles?: number;
  /** A file decompressing to more than this is quarantined as `too_large`. */
  maxUncompressedBytes?: number;
  /**
   * A raw object stored bigger than this is quarantined as `too_large` without being read: a
   * decoder holds one object's stored bytes in memory (its decompressed text streams).
   */
  maxRawObjectBytes?: number;
  /**
   * `duckdb` (default): DuckDB reads and projects the files by SQL generated from the source
   * definitions, and the JavaScript decoder takes only the files DuckDB sets aside (corrupt, odd
   * values), so quarantine reasons stay exact. `js`: the JavaScript decoder does everything.
   */
  engine?: TransformEngine;
  onProgress?: (filesDone: number, filesTotal: number) => void;
}

export const emptyStages = (): TransformStages => ({
  readWaitMs: 0,
  decompressMs: 0,
  decodeMs: 0,
  spoolMs: 0,
  parquetMs: 0,
  publishMs: 0,
});

/** Zero counts. */
export function emptyTotals(): SourceTotals {
  return {
    files: 0,
    filesDecoded: 0,
    filesQuarantined: 0,
    bytesWithheld: 0,
    eventsWithheld: 0,
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

/** Whether `eventsIn = rows + skipped + quarantined` (and, for totals, `files = decoded + quarantined`). */
export function isReconciled(t: FileCounts | SourceTotals): boolean {
  const files = 'filesDecoded' in t ? t.files === t.filesDecoded + t.filesQuarantined : true;
  return files && t.eventsIn === t.rows + sum(t.skipped) + t.quarantined;
}

/** The readready object key of a batch's output: a function of the batch's input set only. */
export function outputKey(table: string, calendarday: string, batchId: string, chunk: number): string {
  return `${table}/calendarday=${calendarday}/${outputName(batchId, chunk)}`;
}

/** The file name of a batch's output, the same in whichever generation of the partition it lands. */
export function outputName(batchId: string, chunk: number): string {
  return `part-${batchId}-${String(chunk).padStart(4, '0')}.parquet`;
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
  const {
    prefetch = 8,
    maxUncompressedBytes = 1024 * 1024 * 1024,
    maxRawObjectBytes = DEFAULT_MAX_RAW_OBJECT_BYTES,
    workers = 1,
    chunkFiles = 250,
    engine: engineKind = 'duckdb',
  } = opts;
  const started = Date.now();
  const sources = new Map(ctx.sources.map((s) => [s.name, s]));
  const totals = emptyTotals();
  const bySource: Record<string, SourceTotals> = {};
  const quarantinedFiles: RunManifest['quarantinedFiles'] = [];
  const eventQuarantine: string[] = [];
  // Every file DuckDB reads lives under this folder: it must not look like a pattern to DuckDB.
  const dir = join(isGlobLike(ctx.tmpDir) ? tmpdir() : ctx.tmpDir, `batch-${claim.batchId}`);
  const stages = emptyStages();
  let failure: unknown;
  const rawStore = (file: LandedFile) => (ctx.rawFor ? ctx.rawFor(file) : ctx.raw);
  // One DuckDB COPY at a time, each running on DuckDB's threads while JavaScript decodes on.
  let writing: Promise<void> = Promise.resolve();
  const decoder = DECODERS[engineKind].create({
    batchId: claim.batchId,
    sources: ctx.sources,
    duck: ctx.duck,
    duckIdle: () => writing,
    dir,
    read: landedFileReader({ sources, storeOf: rawStore, maxRawObjectBytes }),
    localPath: (file) => rawStore(file)?.localPath?.(file.key),
    prefetch,
    workers,
    maxUncompressedBytes,
    maxRawObjectBytes,
    stages,
  });

  const account = (file: LandedFile, compressed: number, outcome: FileOutcome) => {
    const t = bySource[file.source] ?? emptyTotals();
    bySource[file.source] = t;
    if (!outcome.ok) {
      const n = outcome.eventsDecoded;
      const bytes = compressed || file.size;
      for (const target of [t, totals]) {
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
      quarantinedFiles.push({
        key: file.key,
        reason: outcome.reason,
        message: outcome.message,
        bytes,
        ...(outcome.uncompressedBytes ? { uncompressedBytesRead: outcome.uncompressedBytes } : {}),
        eventsRead: n,
      });
      return;
    }
    for (const target of [t, totals]) {
      target.files++;
      target.filesDecoded++;
      target.bytesCompressed += compressed;
      target.bytesUncompressed += outcome.uncompressedBytes;
      addCounts(target, outcome.counts);
    }
    for (const r of outcome.rejected) {
      eventQuarantine.push(
        JSON.stringify({
          source_key: file.key,
          event_index: r.index,
          reason: r.reason,
          column: r.column,
          byte_offset: r.byteOffset,
        }),
      );
    }
  };

  try {
    const sinkOutputs: ParquetOutput[] = [];
    const extracts = extractsByTable(ctx.sources);
    const write = (spools: SpoolFile[], chunk: number, sqlRows: SqlRows[] = []) => {
      writing = writing.then(async () => {
        const t0 = performance.now();
        const written = await writeParquet(ctx.duck, spools, dir, { chunk, sqlRows });
        sinkOutputs.push(...written, ...(await writeExtracts(ctx.duck, written, extracts)));
        for (const r of sqlRows) await ctx.duck.run(`DROP TABLE IF EXISTS ${r.rowsTable}`);
        stages.parquetMs += performance.now() - t0;
      });
      // Surface a failure at the final await, not as an unhandled rejection.
      writing.catch(() => undefined);
    };
    let done = 0;
    const onFile = (o: ChunkOutcome) => {
      account(o.file, o.compressed, o.outcome);
      opts.onProgress?.(++done, claim.files.length);
    };
    const chunks = Math.max(1, Math.ceil(claim.files.length / chunkFiles));
    for (let chunk = 0; chunk < chunks; chunk++) {
      const files = claim.files.slice(chunk * chunkFiles, (chunk + 1) * chunkFiles);
      const rows = await decoder.decode(files, { index: chunk, last: chunk === chunks - 1 }, onFile);
      write(rows.spools, chunk, rows.sqlRows);
    }
    await writing;
    sinkOutputs.sort(
      (a, b) =>
        a.table.localeCompare(b.table) || a.calendarday.localeCompare(b.calendarday) || a.chunk - b.chunk,
    );
    const mark = performance.now();
    quarantinedFiles.sort((a, b) => a.key.localeCompare(b.key));
    eventQuarantine.sort();
    const outputs: RunManifest['outputs'] = [];
    const partitionsByTable = new Map<string, { values: string[]; location: string }[]>();
    // Into each partition's current generation (compaction may have moved it), read at publish time.
    const locations = new Map<string, PartitionLocation>();
    for (const o of sinkOutputs) {
      const id = `${o.table}/${o.calendarday}`;
      let at = locations.get(id);
      if (at === undefined) {
        at = await partitionLocationFor(ctx, o.table, o.calendarday);
        locations.set(id, at);
      }
      const key = at.prefix + outputName(claim.batchId, o.chunk);
      await ctx.readready.putFile(key, o.localPath, { contentType: 'application/vnd.apache.parquet' });
      await rm(o.localPath, { force: true });
      outputs.push({ table: o.table, calendarday: o.calendarday, key, rows: o.rows, bytes: o.bytes });
      const list = partitionsByTable.get(o.table) ?? [];
      list.push({ values: [o.calendarday], location: at.location });
      partitionsByTable.set(o.table, list);
    }
    for (const [table, partitions] of partitionsByTable) {
      const result = await ctx.catalog.createPartitions(ctx.database, table, partitions);
      if (result.failed.length > 0) {
        throw new Error(`registering readready partitions failed: ${errorMessage(result.failed[0]?.error)}`);
      }
    }

    stages.publishMs += performance.now() - mark;
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
      reconciled:
        claim.files.length === totals.files &&
        isReconciled(totals) &&
        Object.values(bySource).every(isReconciled),
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
  } catch (err) {
    failure = err;
    // The failure is what matters: a second one while cleaning up must not hide it.
    await decoder.abort().catch(() => undefined);
    throw err;
  } finally {
    await rm(dir, { recursive: true, force: true }).catch((cleanup: unknown) => {
      if (failure === undefined) throw cleanup;
    });
  }
}

/** Default of {@link TransformOptions.maxRawObjectBytes}. */
export const DEFAULT_MAX_RAW_OBJECT_BYTES = 256 * 1024 * 1024;
