import { mkdir, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { isGlobLike, literalFilePath, readLocalParquet } from '../lake/duckPaths.ts';
import { LoglakeError } from '../lake/errors.ts';
import { readManifest, writeManifest } from '../lake/generationManifest.ts';
import {
  fileName,
  type Generation,
  generation,
  generationOfLocation,
  listGeneration,
} from '../lake/generations.ts';
import { parquetOptions } from '../lake/parquetOptions.ts';
import type { Catalog, ObjectStore } from '../lake/ports.ts';
import { quoteIdent } from '../lake/sqlQuote.ts';
import { carryOver } from './carryOver.ts';
import { type CollectOutcome, collectGeneration } from './collectGeneration.ts';
import { localCopy } from './copyObject.ts';

/** A compaction step failed; nothing was switched unless `context.switched` says so. */
export class CompactionError extends LoglakeError {}

/** The ports compaction works with. */
export interface CompactContext {
  readready: ObjectStore;
  catalog: Catalog;
  database: string;
  /** DuckDB connection that merges and sorts. */
  duck: DuckDBConnection;
  /** Local scratch folder (Lambda: /tmp). */
  tmpDir: string;
}

/** Options of {@link compactPartition}. */
export interface CompactOptions {
  /** Output files are cut at about this size; files at or above it count as compact. Default 256 MB. */
  targetBytes?: number;
  /** How long a replaced generation stays readable after the switch. Default 60 minutes. */
  graceMs?: number;
  /**
   * Rows per Parquet row group (DuckDB's default 122,880). Output files are cut between row groups,
   * and a reader skips whole row groups by their min/max statistics of the sort columns.
   */
  rowGroupRows?: number;
  /**
   * ZSTD level of the merged files (1–22). Default {@link DEFAULT_ZSTD_LEVEL}: a compacted file is
   * written once and read for years, so it pays for more effort than the transform's level 3.
   */
  zstdLevel?: number;
  /** Only collect replaced generations whose grace period has passed; merge nothing. */
  gcOnly?: boolean;
  now?: () => Date;
}

export const DEFAULT_TARGET_BYTES = 256 * 1024 * 1024;
export const DEFAULT_GRACE_MS = 60 * 60 * 1000;
/**
 * Level 9 took the bench's CloudWatch readready from 128.9 to 119.1 MiB once sorted (level 19: 102.7
 * MiB, but 25× the write time).
 */
export const DEFAULT_ZSTD_LEVEL = 9;

/** What happened to one partition. */
export interface PartitionReport {
  table: string;
  calendarday: string;
  action: 'compacted' | 'skipped';
  /** Why it was skipped. */
  reason?: 'not_registered' | 'already_compact' | 'previous_in_grace' | 'gc_only';
  generation: number;
  filesBefore: number;
  filesAfter: number;
  bytesBefore: number;
  bytesAfter: number;
  rows?: number;
  /** Late files carried into the new generation after the switch. */
  carried: string[];
  gc: CollectOutcome;
}

/**
 * Compacts one readready partition (DESIGN §9): merges the small Parquet files of its current
 * generation, sorted by `sortBy`, into files of about `targetBytes` in generation `n + 1`, checks
 * the row count, switches the catalog partition there (UpdatePartition), then carries over any file
 * that arrived in generation `n` meanwhile. Generation `n` is deleted by a later run once the grace
 * period has passed; until then the partition is not compacted again, so at most two generations
 * ever receive files. A partition with fewer than two small files is left alone (idempotent).
 */
export async function compactPartition(
  ctx: CompactContext,
  table: string,
  calendarday: string,
  sortBy: readonly string[],
  opts: CompactOptions = {},
): Promise<PartitionReport> {
  const {
    targetBytes = DEFAULT_TARGET_BYTES,
    graceMs = DEFAULT_GRACE_MS,
    rowGroupRows = 122_880,
    zstdLevel = DEFAULT_ZSTD_LEVEL,
    now = () => new Date(),
  } = opts;
  const scratch = join(
    isGlobLike(ctx.tmpDir) ? tmpdir() : ctx.tmpDir,
    `compact-${process.pid}-${Date.now()}`,
  );
  const partitions = await ctx.catalog.listPartitions(ctx.database, table);
  const found = partitions.find((p) => p.values.length === 1 && p.values[0] === calendarday);
  const report: PartitionReport = {
    table,
    calendarday,
    action: 'skipped',
    generation: 0,
    filesBefore: 0,
    filesAfter: 0,
    bytesBefore: 0,
    bytesAfter: 0,
    carried: [],
    gc: { state: 'nothing' },
  };
  if (found === undefined) return { ...report, reason: 'not_registered' };
  let current = generationOfLocation(ctx.readready, table, calendarday, found.location);
  report.generation = current.number;
  await mkdir(scratch, { recursive: true });
  try {
    const manifest = current.number > 0 ? await readManifest(ctx.readready, current) : undefined;
    if (manifest !== undefined) {
      report.gc = await collectGeneration(ctx.readready, current, manifest, {
        graceMs,
        now: now(),
        scratch,
      });
      if (report.gc.state === 'collected') report.carried.push(...report.gc.carried);
    }
    const files = await listGeneration(ctx.readready, current);
    report.filesBefore = report.filesAfter = files.length;
    report.bytesBefore = report.bytesAfter = files.reduce((a, f) => a + f.size, 0);
    if (opts.gcOnly) return { ...report, reason: 'gc_only' };
    if (report.gc.state === 'waiting') return { ...report, reason: 'previous_in_grace' };
    // Nothing new since this generation was written, or nothing small to merge: leave it (idempotent).
    const own = `compact-${current.number}-`;
    const fresh = files.some((f) => !fileName(f.key).startsWith(own));
    if (!fresh || files.filter((f) => f.size < targetBytes).length < 2) {
      return { ...report, reason: 'already_compact' };
    }

    const next = generation(table, calendarday, current.number + 1);
    // The catalog does not point at `next` yet: leftovers of a crashed attempt go first.
    for await (const o of ctx.readready.list(next.prefix)) await ctx.readready.delete(o.key);
    const merged = await mergeFiles(ctx, files, sortBy, next, {
      targetBytes,
      rowGroupRows,
      zstdLevel,
      scratch,
    });
    const previous = current;
    const m = {
      table,
      calendarday,
      generation: next.number,
      previous: previous.prefix,
      merged: files.map((f) => fileName(f.key)),
      outputs: merged.keys.map(fileName),
      carried: [],
      rowsMerged: merged.rows,
      // Recorded just before the switch, so the grace period never starts late.
      switchedAt: now().toISOString(),
    };
    await writeManifest(ctx.readready, next, m);
    await ctx.catalog.updatePartitionLocation(
      ctx.database,
      table,
      [calendarday],
      ctx.readready.uri(next.prefix),
    );
    current = next;
    // A transform that read the old location before the switch may have put files there since.
    const carried = await carryOver(ctx.readready, previous, next, new Set(m.merged), scratch);
    if (carried.length > 0) await writeManifest(ctx.readready, next, { ...m, carried });
    report.carried.push(...carried);
    const after = await listGeneration(ctx.readready, next);
    return {
      ...report,
      action: 'compacted',
      generation: next.number,
      rows: merged.rows,
      filesAfter: after.length,
      bytesAfter: after.reduce((a, f) => a + f.size, 0),
    };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/**
 * Merges `files` (their rows matching `where`, an SQL predicate built with the quoting helpers, when
 * given) into sorted `compact-<n>-<i>.parquet` files of `next`; the row counts must agree. No row
 * may mean no file.
 */
export async function mergeFiles(
  ctx: CompactContext,
  files: readonly { key: string }[],
  sortBy: readonly string[],
  next: Generation,
  opts: { targetBytes: number; rowGroupRows: number; zstdLevel?: number; scratch: string; where?: string },
): Promise<{ rows: number; keys: string[] }> {
  const { targetBytes, rowGroupRows, scratch, zstdLevel = DEFAULT_ZSTD_LEVEL } = opts;
  if (!Number.isInteger(zstdLevel) || zstdLevel < 1 || zstdLevel > 22)
    throw new CompactionError(`the ZSTD level must be an integer from 1 to 22, got ${zstdLevel}`, {
      prefix: next.prefix,
    });
  const filter = opts.where === undefined ? '' : ` WHERE ${opts.where}`;
  const locals = [];
  try {
    for (const [i, f] of files.entries()) {
      locals.push(await localCopy(ctx.readready, f.key, scratch, `in-${i}.parquet`));
    }
    // Hive partitioning off: `calendarday` is the partition's, not a column of the files.
    const source = readLocalParquet(
      locals.map((l) => l.path),
      { unionByName: true },
    );
    const rowsIn = await countRows(ctx.duck, `SELECT count(*) AS n FROM ${source}${filter}`);
    const out = join(scratch, 'out');
    const order =
      sortBy.length > 0 ? ` ORDER BY ${sortBy.map((c) => `${quoteIdent(c)} NULLS LAST`).join(', ')}` : '';
    await ctx.duck.run(
      `COPY (SELECT * FROM ${source}${filter}${order}) TO ${literalFilePath(out)} ` +
        parquetOptions({
          zstdLevel,
          fileSizeBytes: targetBytes,
          rowGroupSize: rowGroupRows,
          filenamePattern: 'part_{i}',
        }),
    );
    const outputs = (await readdir(out)).filter((n) => n.endsWith('.parquet')).sort(byIndex);
    const rowsOut =
      outputs.length === 0
        ? 0
        : await countRows(
            ctx.duck,
            `SELECT count(*) AS n FROM ${readLocalParquet(outputs.map((n) => join(out, n)))}`,
          );
    if (rowsOut !== rowsIn) {
      throw new CompactionError(`compaction wrote ${rowsOut} rows from ${rowsIn}: not switching`, {
        prefix: next.prefix,
        rowsIn,
        rowsOut,
      });
    }
    const keys: string[] = [];
    for (const [i, n] of outputs.entries()) {
      const key = `${next.prefix}compact-${next.number}-${String(i).padStart(4, '0')}.parquet`;
      await ctx.readready.putFile(key, join(out, n), { contentType: 'application/vnd.apache.parquet' });
      keys.push(key);
    }
    return { rows: rowsIn, keys };
  } finally {
    for (const l of locals) await l.release();
  }
}

const byIndex = (a: string, b: string) => Number(/\d+/.exec(a)?.[0]) - Number(/\d+/.exec(b)?.[0]);

async function countRows(duck: DuckDBConnection, sql: string): Promise<number> {
  const reader = await duck.runAndReadAll(sql);
  return Number(reader.getRows()[0]?.[0]);
}
