import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { TransformEngine } from '../lake/config.ts';
import { isGlobLike } from '../lake/duckPaths.ts';
import type { Catalog, Claim, LandedFile, ObjectStore, ReadOnlyObjectStore } from '../lake/ports.ts';
import type { RunManifest } from '../lake/runManifest.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { emptyStages, RunAccount, timed } from './accounting.ts';
import { cutChunks } from './cutChunks.ts';
import { type ChunkDecoder, type ChunkOutcome, DECODERS } from './decoders/index.ts';
import { inLanes, type Lane } from './inLanes.ts';
import { landedFileReader } from './readLandedFile.ts';
import { parquetSink } from './sinks/parquet/parquetSink.ts';
import type { ReadreadySink } from './sinks/readreadySink.ts';
import { writeRunRecord } from './writeRunRecord.ts';

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
  /** DuckDB connection the decoders and the sink share (the SQL decoder, the Parquet writer). */
  duck: DuckDBConnection;
  /**
   * Another connection to the same DuckDB, one per extra lane (chunks decoded side by side, see
   * {@link TransformOptions.workers}); without it a batch runs one lane on `duck`.
   */
  connectDuck?(): Promise<DuckDBConnection>;
  /** Local scratch folder (Lambda: /tmp). */
  tmpDir: string;
  /**
   * Where the readready rows go, made for each batch from its context (the claim loop records
   * what a batch writes). Default: {@link parquetSink}, Hive-partitioned Parquet plus catalog.
   */
  sink?: (ctx: TransformContext) => ReadreadySink;
}

export interface TransformOptions {
  /** Files read ahead of the one being decoded. */
  prefetch?: number;
  /**
   * Parallelism: decode worker threads of the `js` engine, or lanes of the `duckdb` engine (that
   * many chunks decoded and written side by side, each on its own DuckDB connection, since DuckDB's
   * threads barely scale over many small gzip files). 1 decodes one chunk at a time.
   */
  workers?: number;
  /**
   * Files per output chunk. Each chunk's Parquet is written while its lane's next chunk waits;
   * chunks are cut by position in the (key-ordered) batch, so a re-run cuts them the same way.
   * 640 by default: DuckDB streams a chunk into its day files, so a bigger one costs little memory
   * and saves a statement's planning per 250 files (CloudWatch's small files gained); and a batch of
   * `transform.maxFiles` 1000 then goes in two chunks cut by bytes, not two of exactly 500 files
   * whose decode times differ by a tenth (one lane waiting for the other at every batch).
   */
  chunkFiles?: number;
  /**
   * Stored bytes per chunk, at most (a single bigger file is a chunk of its own): what one failed
   * read can waste. 64 MiB by default, above the bench's chunks (it made no difference there).
   */
  chunkBytes?: number;
  /** A file decompressing to more than this is quarantined as `too_large`. */
  maxUncompressedBytes?: number;
  /**
   * A raw object stored bigger than this is quarantined as `too_large` without being read: a
   * decoder holds one object's stored bytes in memory (its decompressed text streams).
   */
  maxRawObjectBytes?: number;
  /**
   * Which decoder of the registry (`DECODERS`, transform/decoders/) does the bulk. `duckdb`
   * (default): DuckDB reads and projects the files by SQL generated from the source definitions,
   * and the JavaScript decoder takes only the files DuckDB sets aside (corrupt, odd values), so
   * quarantine reasons stay exact. `js`: the JavaScript decoder does everything.
   */
  engine?: TransformEngine;
  onProgress?: (filesDone: number, filesTotal: number) => void;
  /**
   * Called once, when the first lane finds no chunk left to take (the others may still decode
   * theirs): the claim loop claims the next batch then (`StageHooks` in claimLoop.ts).
   */
  onDraining?: () => void;
}

/**
 * Transforms one claimed batch of landed raw files into readready rows: read each file from its
 * bucket, decode it with the chosen decoder (`transform/decoders/`), account for it
 * (`accounting.ts`), write each chunk's rows to the sink while the next chunk decodes, publish them
 * (`transform/sinks/`), then write the run record with its quarantines (`writeRunRecord.ts`).
 * Outputs are named after the batch id, a hash of the input keys, so re-running a batch
 * overwrites its own outputs instead of adding rows. {@link stageBatch} then its `publish`.
 */
export async function transformBatch(
  ctx: TransformContext,
  claim: Claim,
  opts: TransformOptions = {},
): Promise<RunManifest> {
  return (await stageBatch(ctx, claim, opts)).publish();
}

/** A batch decoded and written to local files, not yet visible to readers. */
export interface StagedBatch {
  /**
   * Publishes the batch's outputs and writes its run record (the commit record readers go by),
   * then removes its scratch. Touches no DuckDB connection of the lanes, so the next batch may
   * decode meanwhile.
   */
  publish(): Promise<RunManifest>;
}

/**
 * The first half of {@link transformBatch}: every chunk decoded and written by the sink to local
 * files. A failure here removes the batch's scratch and publishes nothing.
 */
export async function stageBatch(
  ctx: TransformContext,
  claim: Claim,
  opts: TransformOptions = {},
): Promise<StagedBatch> {
  const {
    prefetch = 8,
    maxUncompressedBytes = 1024 * 1024 * 1024,
    maxRawObjectBytes = DEFAULT_MAX_RAW_OBJECT_BYTES,
    workers = 1,
    chunkFiles = 640,
    chunkBytes = 64 * 1024 * 1024,
    engine = 'duckdb',
  } = opts;
  const started = Date.now();
  const stages = emptyStages();
  const account = new RunAccount();
  // Every file DuckDB reads lives under this folder: it must not look like a pattern to DuckDB.
  const dir = join(isGlobLike(ctx.tmpDir) ? tmpdir() : ctx.tmpDir, `batch-${claim.batchId}`);
  const storeOf = (file: LandedFile) => (ctx.rawFor ? ctx.rawFor(file) : ctx.raw);
  const output = (ctx.sink ?? parquetSink)(ctx).begin({ batchId: claim.batchId, dir });
  const read = landedFileReader({
    sources: new Map(ctx.sources.map((s) => [s.name, s])),
    storeOf,
    maxRawObjectBytes,
  });
  const bounds = cutChunks(
    claim.files.map((f) => f.size),
    { files: chunkFiles, bytes: chunkBytes },
  );
  const chunks = bounds.length - 1;
  const decoders: ChunkDecoder[] = [];
  let done = 0;
  let draining = false;
  const onFile = (o: ChunkOutcome) => {
    account.add(o);
    opts.onProgress?.(++done, claim.files.length);
  };
  const lane: Lane = async (duck, index, lanes, stop) => {
    // One sink write at a time per lane, each running (on DuckDB's threads) while the lane's decoder waits.
    let writing: Promise<void> = Promise.resolve();
    const decoder = DECODERS[engine].create({
      batchId: claim.batchId,
      sources: ctx.sources,
      duck,
      duckIdle: () => writing,
      dir: join(dir, `lane-${index}`),
      read,
      localPath: (file) => storeOf(file)?.localPath?.(file.key),
      prefetch,
      workers,
      maxUncompressedBytes,
      maxRawObjectBytes,
      stages,
    });
    decoders.push(decoder);
    // Lane i takes chunks i, i + lanes, …: fixed, so a re-run cuts and names them the same way.
    for (let chunk = index; chunk < chunks && !stop(); chunk += lanes) {
      const files = claim.files.slice(bounds[chunk], bounds[chunk + 1]);
      const rows = await decoder.decode(files, { index: chunk, last: chunk + lanes >= chunks }, onFile);
      writing = writing.then(() => timed(stages, 'parquetMs', () => output.write(rows, chunk)));
      // Surface a failure at the lane's final await, not as an unhandled rejection.
      writing.catch(() => undefined);
    }
    if (!stop() && !draining) {
      draining = true;
      opts.onDraining?.();
    }
    await writing;
  };
  // The failure is what matters: a second one while cleaning up must not hide it.
  const dropAll = async () => {
    await Promise.all(decoders.map((d) => d.abort().catch(() => undefined)));
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  };
  try {
    await inLanes(ctx, Math.min(chunks, ctx.connectDuck ? DECODERS[engine].lanes(workers) : 1), lane);
  } catch (err) {
    await dropAll();
    throw err;
  }
  return {
    async publish() {
      try {
        const outputs = await timed(stages, 'publishMs', () => output.commit());
        const manifest = await writeRunRecord(ctx, claim, { started, account, outputs, stages });
        await rm(dir, { recursive: true, force: true });
        return manifest;
      } catch (err) {
        await dropAll();
        throw err;
      }
    },
  };
}

/** Default of {@link TransformOptions.maxRawObjectBytes}. */
export const DEFAULT_MAX_RAW_OBJECT_BYTES = 256 * 1024 * 1024;
