/**
 * The compaction bench (issue 12.5): on a generated data set transformed in small batches (many
 * small files per partition), files per partition, a few auditor queries (DuckDB over the files
 * the catalog's partition locations hold) and storage, before and after `compactLake`. Run:
 *
 *   npm run bench:compaction [-- --sessions 300 --days 2 --filler 8 --batch-files 1 --target-mb 256 --zstd-level 9]
 *
 * Writes `compaction-latest.json` and `compaction-latest.md` into bench/results (or `--results`).
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DuckDBInstance } from '@duckdb/node-api';
import { drainQueue } from '../addapart/drainQueue.ts';
import { compactLake } from '../compact/compactLake.ts';
import { DEFAULT_ZSTD_LEVEL } from '../compact/compactPartition.ts';
import { generate } from '../ingest/generate/index.ts';
import { configSchema } from '../lake/config.ts';
import { readLocalParquet } from '../lake/duckPaths.ts';
import { generationOfLocation, listGeneration } from '../lake/generations.ts';
import type { Lake } from '../lake/lake.ts';
import { openLake } from '../lake/openLake.ts';
import { quoteIdent } from '../lake/sqlQuote.ts';
import { matchSource } from '../sources/match.ts';
import { runTransform, transformContext } from '../transform/runTransform.ts';
import { machineInfo } from './machineInfo.ts';

const CT = 'from_cloudtrail_readready';
const CW = 'from_cloudwatch_readready';

/** Files of each readready table as the catalog publishes them: each partition's current generation. */
async function catalogFiles(lake: Lake) {
  const out = new Map<string, { day: string; key: string; size: number }[]>();
  for (const table of [CT, CW]) {
    const files = [];
    for (const p of await lake.catalog.listPartitions(lake.config.database, table)) {
      const day = p.values[0]!;
      const gen = generationOfLocation(lake.readready, table, day, p.location);
      for (const o of await listGeneration(lake.readready, gen))
        files.push({ day, key: o.key, size: o.size });
    }
    out.set(table, files);
  }
  return out;
}

interface Snapshot {
  partitions: number;
  files: number;
  filesPerPartition: { mean: number; max: number };
  bytes: number;
  /** Parquet bytes per readready table. */
  bytesByTable: Record<string, number>;
  queries: { name: string; medianMs: number; result: string }[];
}

async function snapshot(
  lake: Lake,
  queries: { name: string; sql: string }[],
  runs: number,
): Promise<Snapshot> {
  const files = await catalogFiles(lake);
  const all = [...files.values()].flat();
  const perPartition = new Map<string, number>();
  for (const [table, list] of files)
    for (const f of list)
      perPartition.set(`${table}/${f.day}`, (perPartition.get(`${table}/${f.day}`) ?? 0) + 1);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const duck = await instance.connect();
  try {
    for (const [table, list] of files) {
      const source = readLocalParquet(
        list.map((f) => lake.readready.uri(f.key)),
        { unionByName: true },
      );
      await duck.run(`CREATE VIEW ${quoteIdent(table)} AS SELECT * FROM ${source}`);
    }
    const measured = [];
    for (const q of queries) {
      const times: number[] = [];
      let result = '';
      for (let i = 0; i < runs; i++) {
        const t0 = performance.now();
        const reader = await duck.runAndReadAll(q.sql);
        times.push(performance.now() - t0);
        result = JSON.stringify(reader.getRows().map((r) => r.map(String)));
      }
      times.sort((a, b) => a - b);
      measured.push({
        name: q.name,
        medianMs: Number(times[Math.floor(times.length / 2)]!.toFixed(1)),
        result,
      });
    }
    const counts = [...perPartition.values()];
    return {
      partitions: perPartition.size,
      files: all.length,
      filesPerPartition: {
        mean: Number((all.length / Math.max(1, perPartition.size)).toFixed(1)),
        max: Math.max(0, ...counts),
      },
      bytes: all.reduce((a, f) => a + f.size, 0),
      bytesByTable: Object.fromEntries(
        [...files].map(([table, list]) => [table, list.reduce((a, f) => a + f.size, 0)]),
      ),
      queries: measured,
    };
  } finally {
    duck.closeSync();
    instance.closeSync();
  }
}

const mib = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MiB`;

function renderMarkdown(r: {
  startedAt: string;
  dataset: Record<string, number>;
  before: Snapshot;
  after: Snapshot;
  compactMs: number;
  storageRatio: number;
  zstdLevel: number;
  rawBytesByTable: Record<string, number>;
}): string {
  const rawRatio = (s: Snapshot, table: string) =>
    `${((r.rawBytesByTable[table] ?? 0) / Math.max(1, s.bytesByTable[table] ?? 0)).toFixed(2)}×`;
  const m = machineInfo();
  const lines = [
    '# Compaction: before and after',
    '',
    `Run ${r.startedAt}, embedded lake, ${m.cpuModel} (${m.cores} cores, load ${m.loadAverage.join(' ')}), Node ${m.nodeVersion}, DuckDB ${m.duckdbVersion}.`,
    `Data set: ${Object.entries(r.dataset)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}. Compaction (ZSTD level ${r.zstdLevel}) took ${(r.compactMs / 1000).toFixed(2)} s.`,
    '',
    '| | before | after |',
    '|---|---:|---:|',
    `| partitions | ${r.before.partitions} | ${r.after.partitions} |`,
    `| files | ${r.before.files} | ${r.after.files} |`,
    `| files per partition (mean / max) | ${r.before.filesPerPartition.mean} / ${r.before.filesPerPartition.max} | ${r.after.filesPerPartition.mean} / ${r.after.filesPerPartition.max} |`,
    `| storage | ${mib(r.before.bytes)} | ${mib(r.after.bytes)} (ratio ${r.storageRatio.toFixed(3)}) |`,
    ...[CT, CW].map(
      (table) =>
        `| ${table}: raw gzip ${mib(r.rawBytesByTable[table] ?? 0)} ÷ Parquet | ${rawRatio(r.before, table)} | ${rawRatio(r.after, table)} |`,
    ),
    ...r.before.queries.map(
      (q, i) => `| ${q.name} (median ms) | ${q.medianMs} | ${r.after.queries[i]!.medianMs} |`,
    ),
    '',
    'Every query returned the same result before and after. Queries read exactly the files the catalog partitions point at.',
    '',
  ];
  return lines.join('\n');
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      sessions: { type: 'string', default: '300' },
      days: { type: 'string', default: '2' },
      accounts: { type: 'string', default: '3' },
      filler: { type: 'string', default: '8' },
      'batch-files': { type: 'string', default: '1' },
      'target-mb': { type: 'string', default: '256' },
      'zstd-level': { type: 'string', default: String(DEFAULT_ZSTD_LEVEL) },
      runs: { type: 'string', default: '5' },
      results: { type: 'string', default: 'bench/results' },
    },
  });
  const n = (k: keyof typeof values) => Number(values[k]);
  const startedAt = new Date().toISOString();
  const dir = await mkdtemp(join(tmpdir(), 'loglake-bench-compact-'));
  const config = configSchema.parse({
    mode: 'embedded',
    embedded: { dir },
    transform: { maxFiles: n('batch-files'), maxBytes: 1e12 },
  });
  const lake = await openLake(config);
  try {
    const { files, manifest } = generate({
      seed: 12,
      sessions: n('sessions'),
      days: n('days'),
      accounts: n('accounts'),
      extraFiller: n('filler'),
      badFiles: false,
    });
    let landed = 0;
    // Raw gzip bytes of each readready table's files: the other side of the storage ratio.
    const rawBytesByTable: Record<string, number> = {};
    for (const f of files) {
      await lake.raw.put(f.key, f.body);
      landed++;
      const m = matchSource(f.key, lake.sources);
      if (m.kind === 'match') {
        const table = m.source.readreadyTable;
        rawBytesByTable[table] = (rawBytesByTable[table] ?? 0) + f.body.byteLength;
      }
    }
    await drainQueue(lake);
    const summary = await runTransform(lake);
    const session = manifest.sessions[0]!;
    const queries = [
      {
        name: 'CloudTrail: StartSession count',
        sql: `SELECT count(*) FROM ${CT} WHERE eventname = 'StartSession'`,
      },
      {
        name: 'CloudTrail: one service, one hour',
        sql: `SELECT eventname, count(*) FROM ${CT} WHERE eventsource = 'iam.amazonaws.com' AND eventtime >= TIMESTAMP '2026-11-01 09:00:00' AND eventtime < TIMESTAMP '2026-11-01 10:00:00' GROUP BY 1 ORDER BY 1`,
      },
      {
        name: 'CloudWatch: one session',
        sql: `SELECT count(*), min(eventtime)::VARCHAR FROM ${CW} WHERE sessionid = '${session.sessionId.replace(/'/g, "''")}'`,
      },
      { name: 'CloudTrail: count(*)', sql: `SELECT count(*) FROM ${CT}` },
    ];
    const before = await snapshot(lake, queries, n('runs'));
    const t0 = performance.now();
    const ctx = transformContext(lake);
    const opts = { targetBytes: n('target-mb') * 1024 * 1024, graceMs: 0, zstdLevel: n('zstd-level') };
    await compactLake(ctx, lake.sources, {}, opts);
    const compactMs = performance.now() - t0;
    // The next run collects the replaced generations (grace 0 here).
    await compactLake(ctx, lake.sources, {}, { ...opts, gcOnly: true });
    const after = await snapshot(lake, queries, n('runs'));
    for (const [i, q] of before.queries.entries()) {
      if (q.result !== after.queries[i]!.result)
        throw new Error(`${q.name}: results differ after compaction`);
    }
    const result = {
      startedAt,
      machine: machineInfo(),
      dataset: {
        sessions: n('sessions'),
        days: n('days'),
        accounts: n('accounts'),
        filler: n('filler'),
        rawFiles: landed,
        batchFiles: n('batch-files'),
        transformBatches: summary.runs.length,
        rows: summary.totals.rows,
      },
      targetMb: n('target-mb'),
      zstdLevel: n('zstd-level'),
      rawBytesByTable,
      compactMs: Math.round(compactMs),
      storageRatio: after.bytes / before.bytes,
      before,
      after,
    };
    await mkdir(values.results!, { recursive: true });
    await writeFile(join(values.results!, 'compaction-latest.json'), `${JSON.stringify(result, null, 2)}\n`);
    const md = renderMarkdown(result);
    await writeFile(join(values.results!, 'compaction-latest.md'), md);
    process.stdout.write(md);
  } finally {
    await lake.close();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`bench:compaction: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
