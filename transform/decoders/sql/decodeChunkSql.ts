import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isGlobLike } from '../../../lake/duckPaths.ts';
import { mapLimit } from '../../../lake/mapLimit.ts';
import type { LandedFile } from '../../../lake/ports.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import { applyContentFilterSql } from '../../contentFilter.ts';
import type { Fetched } from '../../readLandedFile.ts';
import type { ChunkOutcome, DayFile, SqlRows } from '../chunkDecoder.ts';
import type { DecodeEngine } from '../js/decodeEngine.ts';
import { tooLargeToRead } from '../js/decodeRawFile.ts';
import { gzipSizeHint, gzipTrailerImpossible, sniffCompression } from '../js/decompress.ts';
import { type SqlInputFile, sqlDecodeChunk } from './sqlDecode.ts';
import { sqlDecodeDirect } from './sqlDecodeDirect.ts';
import type { SqlPlan } from './sqlPlan.ts';

/**
 * A local raw file's path, size, sniffed compression and, for gzip, the size its trailer states;
 * `undefined` when there is none (or it is gone). Synchronous on purpose: six bytes and a stat of a
 * local file take microseconds, where a round trip through libuv's thread pool per call cost
 * seconds over thousands of small files.
 */
function localFile(path: string | undefined): (Omit<SqlInputFile, 'key'> & { isize: number }) | undefined {
  if (path === undefined) return undefined;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const bytes = fstatSync(fd).size;
    const head = Buffer.alloc(2);
    const compression =
      sniffCompression(head.subarray(0, readSync(fd, head, 0, 2, 0))) === 'gzip' ? 'gzip' : 'uncompressed';
    let isize = 0;
    if (compression === 'gzip' && bytes >= 18) {
      const tail = Buffer.alloc(4);
      readSync(fd, tail, 0, 4, bytes - 4);
      isize = tail.readUInt32LE(0);
    }
    return { path, bytes, compression, isize };
  } catch {
    // Missing: the JavaScript path reads it and reports it the usual way.
    return undefined;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Reads of a chunk straight into day files before it takes the temporary-table path. */
const DIRECT_ATTEMPTS = 3;

/**
 * One source's files of a chunk through DuckDB. Straight into day files ({@link sqlDecodeDirect})
 * when one read can take them all (the usual case); into a temporary table ({@link sqlDecodeChunk})
 * when they mix compressions, and once {@link DIRECT_ATTEMPTS} reads have failed: this path finds
 * every file DuckDB cannot read, beginning with those the failed reads named.
 */
async function decodeSource(
  deps: SqlChunkDeps,
  plan: SqlPlan,
  inputs: readonly SqlInputFile[],
  tag: string,
): Promise<{
  decoded: Map<string, FileCounts>;
  fallback: Map<string, string>;
  rows: { rowsTable: string } | { days: DayFile[] };
}> {
  const setAside = new Map<string, string>();
  const oneRead = inputs.every((f) => f.compression === inputs[0]?.compression);
  // A read that fails on a file DuckDB names goes again without it, up to a few times; a chunk with
  // more bad files than that takes the temporary-table path, whose slices bound what each one costs.
  for (let attempt = 0; oneRead && attempt < DIRECT_ATTEMPTS; attempt++) {
    const rest = inputs.filter((f) => !setAside.has(f.key));
    if (rest.length === 0) return { decoded: new Map(), fallback: setAside, rows: { days: [] } };
    const direct = await sqlDecodeDirect(deps.duck, plan, rest, join(deps.dir, `direct-${tag}`));
    if (direct.ok) {
      for (const [key, reason] of setAside) direct.fallback.set(key, reason);
      return { decoded: direct.decoded, fallback: direct.fallback, rows: { days: direct.days } };
    }
    if (direct.culprit === undefined) break;
    setAside.set(direct.culprit.key, direct.culprit.reason);
  }
  const result = await sqlDecodeChunk(deps.duck, plan, inputs, tag, { setAside });
  await applyContentFilterSql(deps.duck, plan.source, result.rowsTable, result.decoded);
  return { decoded: result.decoded, fallback: result.fallback, rows: { rowsTable: result.rowsTable } };
}

/** What {@link decodeChunkSql} needs from the batch around it. */
export interface SqlChunkDeps {
  duck: DuckDBConnection;
  /** The local file of a raw file, when its bucket is a local folder (DuckDB reads it in place). */
  localPath(file: LandedFile): string | undefined;
  /** Scratch folder of the batch. */
  dir: string;
  read(file: LandedFile): Promise<Fetched>;
  /** Plans of the sources the SQL engine handles; other sources go to `engine`. */
  plans: ReadonlyMap<string, SqlPlan>;
  /** The JavaScript decoder, for the files DuckDB sets aside. */
  engine: DecodeEngine;
  /** A raw object stored bigger than this is quarantined `too_large` without being read. */
  maxRawObjectBytes: number;
  prefetch: number;
  /** Where the time went: waiting for files, and DuckDB's decoding. */
  stages: { readWaitMs: number; decodeMs: number; exactFallbackFiles: number };
}

/**
 * Decodes one chunk of a batch with DuckDB: each file is located or fetched here (compression
 * sniffed by magic bytes; an oversized file is quarantined at once, as by the JavaScript decoder,
 * and a gzip file its trailer shows cut short goes straight to that decoder), then each source's
 * files go through {@link decodeSource}, which leaves the rows in day files (or a temporary table)
 * per source. Files DuckDB sets aside, and files of sources without a plan, go through the
 * JavaScript decoder into its spools, so every file ends up decoded exactly once.
 */
export async function decodeChunkSql(
  deps: SqlChunkDeps,
  files: readonly LandedFile[],
  tag: string,
): Promise<{ outcomes: ChunkOutcome[]; sqlRows: SqlRows[] }> {
  const { stages } = deps;
  const dir = join(deps.dir, `sql-${tag}`);
  await mkdir(dir, { recursive: true });
  const outcomes: ChunkOutcome[] = [];
  const bySource = new Map<string, { plan: SqlPlan; inputs: SqlInputFile[] }>();
  const inputOf = new Map<string, { file: LandedFile; input: SqlInputFile }>();
  const viaJs: LandedFile[] = [];
  try {
    await mapLimit(files, deps.prefetch, async (file, i) => {
      const plan = deps.plans.get(file.source);
      if (plan === undefined) {
        viaJs.push(file);
        return;
      }
      const t0 = performance.now();
      // A local raw file is read in place. Its key may hold `*`, `?` or `[…]`, which DuckDB would
      // expand as a pattern: such a file is read through a link named by loglake (links cost DuckDB
      // time on every file, so only these get one). Anything else is fetched to scratch.
      const local = localFile(deps.localPath(file));
      let input: SqlInputFile;
      let isize = local?.isize ?? 0;
      const path = join(dir, String(i).padStart(6, '0'));
      if (local !== undefined && local.bytes > deps.maxRawObjectBytes) {
        outcomes.push({ file, compressed: 0, outcome: tooLargeToRead(local.bytes, deps.maxRawObjectBytes) });
        return;
      }
      if (local !== undefined) {
        const read = isGlobLike(local.path) ? path : local.path;
        if (read === path) await symlink(local.path, path);
        input = { key: file.key, path: read, compression: local.compression, bytes: local.bytes };
      } else {
        const fetched = await deps.read(file);
        if (!fetched.ok) {
          outcomes.push({ file, compressed: 0, outcome: fetched.outcome });
          return;
        }
        await writeFile(path, fetched.bytes);
        const compression = sniffCompression(fetched.bytes) === 'gzip' ? 'gzip' : 'uncompressed';
        input = { key: file.key, path, compression, bytes: fetched.bytes.byteLength };
        isize = gzipSizeHint(fetched.bytes);
      }
      // A gzip file whose trailer states a size it cannot hold is cut short: DuckDB would fail the
      // chunk's read on it (and read the chunk again), so it goes to the exact decoder at once.
      if (input.compression === 'gzip' && gzipTrailerImpossible(input.bytes, isize)) {
        stages.exactFallbackFiles++;
        viaJs.push(file);
        return;
      }
      stages.readWaitMs += performance.now() - t0;
      const group = bySource.get(plan.source.name) ?? { plan, inputs: [] };
      group.inputs.push(input);
      bySource.set(plan.source.name, group);
      inputOf.set(file.key, { file, input });
    });
    const sqlRows: SqlRows[] = [];
    for (const [name, { plan, inputs }] of [...bySource].sort(([a], [b]) => a.localeCompare(b))) {
      // Key order, so a re-run reads (and writes) the rows in the same order.
      inputs.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      const t0 = performance.now();
      const result = await decodeSource(deps, plan, inputs, `${tag}_${name}`);
      stages.decodeMs += performance.now() - t0;
      for (const [key, counts] of result.decoded) {
        const { file, input } = inputOf.get(key)!;
        // DuckDB decompresses gzip itself, so only an uncompressed file's size is known here.
        const uncompressedBytes = input.compression === 'gzip' ? 0 : input.bytes;
        outcomes.push({
          file,
          compressed: input.bytes,
          outcome: { ok: true, counts, uncompressedBytes, rejected: [] },
        });
      }
      stages.exactFallbackFiles += result.fallback.size;
      for (const key of result.fallback.keys()) viaJs.push(inputOf.get(key)!.file);
      sqlRows.push({ table: plan.source.readreadyTable, columns: plan.columns, ...result.rows });
    }
    viaJs.sort((a, b) => (a.key < b.key ? -1 : 1));
    for (const file of viaJs) {
      const f = await deps.read(file);
      if (!f.ok) outcomes.push({ file, compressed: 0, outcome: f.outcome });
      else {
        const outcome = await deps.engine.decode(file.key, f.source, f.bytes);
        outcomes.push({ file, compressed: f.bytes.byteLength, outcome });
      }
    }
    return { outcomes, sqlRows };
  } finally {
    // A cleanup failure must not hide the error that brought us here (the batch's scratch goes anyway).
    await rm(dir, { recursive: true, force: true }).catch(() => undefined);
  }
}
