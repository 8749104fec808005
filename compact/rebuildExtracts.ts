import { mkdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isGlobLike } from '../lake/duckPaths.ts';
import { readManifest, writeManifest } from '../lake/generationManifest.ts';
import { fileName, generation, generationOfLocation } from '../lake/generations.ts';
import type { ObjectStore } from '../lake/ports.ts';
import { readPublished } from '../lake/publishedFiles.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { extractPredicate } from '../transform/sinks/parquet/writeExtracts.ts';
import { carryOver } from './carryOver.ts';
import { collectGeneration } from './collectGeneration.ts';
import { type CompactSelection, inRange } from './compactLake.ts';
import { type CompactContext, DEFAULT_GRACE_MS, mergeFiles } from './compactPartition.ts';
import { sortColumnsFor } from './sortColumns.ts';

/** What {@link rebuildExtracts} reads beside the compaction ports. */
export interface RebuildContext extends CompactContext {
  /** Where run manifests are: they say which readready files are published. */
  control: ObjectStore;
  sources: readonly SourceDefinition[];
}

/** What happened to one day of one extract table. */
export interface ExtractReport {
  table: string;
  calendarday: string;
  action: 'rebuilt' | 'skipped';
  reason?: 'previous_in_grace';
  generation: number;
  /** Published readready files read. */
  filesRead: number;
  rows: number;
  /** Files that landed in the replaced generation while it rebuilt, carried into the new one. */
  carried: string[];
}

/**
 * Rebuilds extract tables (`readready.extracts`) from their readready tables' published files, one
 * day at a time: for lakes written before an extract existed, or after its conditions changed.
 * Each day is written as a new generation of the extract's partition (as compaction does: a sorted
 * `compact-<n>-*.parquet` file and a manifest), the catalog is switched there, and a file a transform
 * put into the old generation meanwhile is carried over when it is not one of the runs already read,
 * so a landing is neither lost nor counted twice. Re-running it rebuilds the same rows.
 */
export async function rebuildExtracts(
  ctx: RebuildContext,
  selection: CompactSelection = {},
  opts: { graceMs?: number; now?: () => Date } = {},
): Promise<ExtractReport[]> {
  const { graceMs = DEFAULT_GRACE_MS, now = () => new Date() } = opts;
  const chosen = ctx.sources.flatMap((source) =>
    source.readready.extracts
      .filter((e) => selection.table === undefined || e.table === selection.table)
      .map((extract) => ({ source, extract })),
  );
  if (selection.table !== undefined && chosen.length === 0) {
    throw new Error(`no extract table named ${selection.table}`);
  }
  const published = await readPublished(ctx);
  const reports: ExtractReport[] = [];
  const scratch = join(
    isGlobLike(ctx.tmpDir) ? tmpdir() : ctx.tmpDir,
    `extracts-${process.pid}-${Date.now()}`,
  );
  await mkdir(scratch, { recursive: true });
  try {
    for (const { source, extract } of chosen) {
      const inputs = published.files.get(source.readreadyTable) ?? [];
      const extractFiles = published.files.get(extract.table) ?? [];
      const days = [...new Set(inputs.map((f) => f.calendarday))].filter((d) => inRange(d, selection)).sort();
      for (const day of days) {
        if (selection.keepGoing?.() === false) return reports;
        const files = inputs.filter((f) => f.calendarday === day);
        const dayScratch = join(scratch, `${extract.table}-${day}`);
        await mkdir(dayScratch, { recursive: true });
        // Covered by this rebuild, so never carried: the extract files the runs already read had
        // published, and any named after a readready file read (the same run's output).
        const covered = new Set([
          ...extractFiles.filter((f) => f.calendarday === day).map((f) => fileName(f.key)),
          ...files.map((f) => fileName(f.key)),
        ]);
        const partitions = await ctx.catalog.listPartitions(ctx.database, extract.table);
        const found = partitions.find((p) => p.values.length === 1 && p.values[0] === day);
        const current =
          found === undefined
            ? generation(extract.table, day, 0)
            : generationOfLocation(ctx.readready, extract.table, day, found.location);
        const report: ExtractReport = {
          table: extract.table,
          calendarday: day,
          action: 'skipped',
          generation: current.number,
          filesRead: 0,
          rows: 0,
          carried: [],
        };
        const manifest = current.number > 0 ? await readManifest(ctx.readready, current) : undefined;
        if (manifest !== undefined) {
          const gc = await collectGeneration(ctx.readready, current, manifest, {
            graceMs,
            now: now(),
            scratch,
          });
          if (gc.state === 'waiting') {
            reports.push({ ...report, reason: 'previous_in_grace' });
            continue;
          }
          if (gc.state === 'collected') report.carried.push(...gc.carried);
        }
        const next = generation(extract.table, day, current.number + 1);
        for await (const o of ctx.readready.list(next.prefix)) await ctx.readready.delete(o.key);
        const merged = await mergeFiles(ctx, files, sortColumnsFor(source), next, {
          targetBytes: Number.MAX_SAFE_INTEGER,
          rowGroupRows: 122_880,
          scratch: dayScratch,
          where: extractPredicate(extract),
        });
        const m = {
          table: extract.table,
          calendarday: day,
          generation: next.number,
          previous: current.prefix,
          merged: [...covered].sort(),
          outputs: merged.keys.map(fileName),
          carried: [],
          rowsMerged: merged.rows,
          switchedAt: now().toISOString(),
        };
        await writeManifest(ctx.readready, next, m);
        const location = ctx.readready.uri(next.prefix);
        if (found === undefined) {
          const r = await ctx.catalog.createPartitions(ctx.database, extract.table, [
            { values: [day], location },
          ]);
          // Registered meanwhile by a transform (in its own folder): switch it like any other.
          if (r.existing > 0)
            await ctx.catalog.updatePartitionLocation(ctx.database, extract.table, [day], location);
        } else {
          await ctx.catalog.updatePartitionLocation(ctx.database, extract.table, [day], location);
        }
        const carried = await carryOver(ctx.readready, current, next, covered, dayScratch);
        if (carried.length > 0) await writeManifest(ctx.readready, next, { ...m, carried });
        reports.push({
          ...report,
          action: 'rebuilt',
          generation: next.number,
          filesRead: files.length,
          rows: merged.rows,
          carried: [...report.carried, ...carried],
        });
      }
    }
    return reports;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
