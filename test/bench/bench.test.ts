import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { estimateCost } from '../../bench/estimateCost.ts';
import { originalLines } from '../../bench/remapProfile.ts';
import { parseSizes, runBench } from '../../bench/runBench.ts';
import { summariseProfile } from '../../bench/summariseProfile.ts';
import { BENCH_SOURCES, type BenchResult } from '../../bench/types.ts';
import type { WrittenResults } from '../../bench/writeResults.ts';

/** Every number anywhere in a value, with its path. */
function numbers(value: unknown, path = '$'): [string, number][] {
  if (typeof value === 'number') return [[path, value]];
  if (Array.isArray(value)) return value.flatMap((v, i) => numbers(v, `${path}[${i}]`));
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).flatMap(([k, v]) => numbers(v, `${path}.${k}`));
  return [];
}

describe('bench harness at a tiny size', () => {
  let dir: string;
  let result: BenchResult;
  let written: WrittenResults | undefined;

  beforeAll(async () => {
    // prepare
    dir = await mkdtemp(join(tmpdir(), 'loglake-bench-test-'));
    // act
    ({ result, written } = await runBench({
      sizes: [{ label: 'T', mbPerSource: 1 }],
      dataset: { accounts: 1, days: 2, sessions: 3 },
      cacheDir: join(dir, 'cache'),
      resultsDir: join(dir, 'results'),
      workDir: join(dir, 'work'),
      queryRuns: 1,
      addapartMinNotifications: 1000,
    }));
  }, 60_000);
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('measures every contender on both sources, with the ratios and identical outputs (a, b, c)', () => {
    const size = result.sizes[0]!;
    for (const source of BENCH_SOURCES) {
      const t = size.transform[source];
      for (const run of [t.loglake, t.duckdb, t.naive!]) {
        expect(run.source).toBe(source);
        expect(run.rows).toBe(size.dataset.events[source]);
        expect(run.eventsPerSec).toBeGreaterThan(0);
        expect(run.mbPerSecCompressed).toBeGreaterThan(0);
        expect(run.mbPerSecUncompressed).toBeGreaterThan(0);
        expect(run.peakRssBytes).toBeGreaterThan(10 * 2 ** 20);
        expect(run.outputBytes).toBeGreaterThan(0);
      }
      expect(t.loglake.reconciled).toBe(true);
      expect(t.loglake.stages?.parquetMs).toBeGreaterThan(0);
      expect(t.ratioVsDuckdb).toBeGreaterThan(0);
      expect(t.ratioVsDuckdbPerCpu).toBeGreaterThan(0);
      expect(t.ratioVsNaive).toBeGreaterThan(0);
      expect(t.checksums.rowsEqual).toBe(true);
      expect(t.checksums.columns.length).toBeGreaterThan(10);
      expect(t.checksums.columns.filter((c) => !c.equal)).toEqual([]);
      expect(t.checksums.allEqual).toBe(true);
      expect(t.naiveChecksums?.allEqual).toBe(true);
    }
  });

  it('compares two cores with one (d)', () => {
    for (const source of BENCH_SOURCES) {
      const m = result.sizes[0]!.multicore[source];
      expect(m.loglake.threads).toBe(2);
      expect(m.duckdb.threads).toBe(2);
      expect(m.loglakeSpeedup).toBeGreaterThan(0);
      expect(m.duckdbSpeedup).toBeGreaterThan(0);
      expect(m.ratioVsDuckdb).toBeGreaterThan(0);
    }
  });

  it('runs the five auditor queries on readready and raw with the same answers (e)', () => {
    const q = result.sizes[0]!.queries;
    expect(q.queries.map((x) => x.name)).toHaveLength(5);
    for (const x of q.queries) {
      expect(x.readreadyMs).toBeGreaterThan(0);
      expect(x.rawMs).toBeGreaterThan(0);
      expect(x.speedup).toBeGreaterThan(0);
      expect(x.sameResult).toBe(true);
    }
    // session_detail is the busiest session's lines, one row each (the pack query, not a count).
    expect(q.queries.find((x) => x.name === 'session_detail')?.rows).toBeGreaterThan(1);
    expect(q.queries.find((x) => x.name === 'sessions_by_principal')?.rows).toBeGreaterThan(0);
    expect(q.storageRatio).toBeGreaterThan(0);
  });

  it('measures addapart (f) and the scaling points (g)', () => {
    const a = result.sizes[0]!.addapart;
    expect(a.notifications).toBeGreaterThanOrEqual(1000);
    expect(a.notificationsPerSec).toBeGreaterThan(0);
    expect(a.writesPer1000Files).toBeGreaterThan(0);
    expect(a.worstExcessPerTable).toBeLessThanOrEqual(0);
    expect(a.embedded.notificationsPerSec).toBeGreaterThan(0);
    expect(result.scaling).toHaveLength(BENCH_SOURCES.length * 5);
    for (const p of result.scaling) expect(p.usPerEvent).toBeGreaterThan(0);
  });

  it('prices the workload, checks the targets and records the machine', () => {
    expect(result.cost.lines.length).toBeGreaterThan(5);
    expect(result.cost.assumptions.length).toBeGreaterThan(5);
    expect(result.cost.totals.oneOffX86Usd).toBeGreaterThan(0);
    expect(result.targets.length).toBeGreaterThanOrEqual(9);
    for (const t of result.targets) expect(typeof t.met).toBe('boolean');
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.cpuModel).not.toBe('');
    expect(result.machine.totalMemoryBytes).toBeGreaterThan(0);
    expect(numbers(result).filter(([, n]) => !Number.isFinite(n))).toEqual([]);
  });

  it('writes the JSON, Markdown and SVG results into the folder given', async () => {
    expect(written?.json.startsWith(join(dir, 'results'))).toBe(true);
    const json = JSON.parse(await readFile(written!.latestJson, 'utf8')) as BenchResult;
    expect(json.sizes[0]?.transform.cloudtrail.checksums.allEqual).toBe(true);
    expect(JSON.parse(await readFile(written!.json, 'utf8'))).toEqual(json);
    const md = await readFile(written!.markdown, 'utf8');
    for (const heading of ['## Targets', '## a, b, c', '## d', '## e', '## f', '## g', '## Cost estimate'])
      expect(md).toContain(heading);
    const svg = await readFile(written!.svg, 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<rect /g)?.length).toBeGreaterThan(10);
  });
});

describe('bench helpers', () => {
  it('parses named and numeric sizes, smallest first', () => {
    expect(parseSizes('L, s ,30')).toEqual([
      { label: '30MB', mbPerSource: 30 },
      { label: 'S', mbPerSource: 50 },
      { label: 'L', mbPerSource: 800 },
    ]);
    expect(() => parseSizes('XL')).toThrow(/XL/);
  });

  it('prices compute from the measured rate', () => {
    const c = estimateCost({
      size: 'T',
      eventsPerSecPerCore: 100_000,
      storageRatio: 4,
      notificationsPerSec: 50_000,
      outputsPerFile: 0.1,
      catalogWritesPer1000Files: 10,
    });
    const compute = c.lines.find((l) => l.item === 'transform Lambda compute (x86)')!;
    // 199M events at 100k/s = 1,990 s at 1769/1024 GB.
    expect(compute.quantity).toBeCloseTo(1990 * (1769 / 1024), 0);
    expect(c.totals.monthlyStorageReadreadyUsd).toBeCloseTo(c.totals.monthlyStorageRawUsd / 4, 3);
  });

  it('maps generated positions to source lines and sums self time', () => {
    // Two generated lines; the second maps to source line 3 (0-based 2).
    const lookup = originalLines('AAAA;AAEA');
    expect(lookup(0, 5)).toBe(0);
    expect(lookup(1, 0)).toBe(2);
    const summary = summariseProfile({
      nodes: [
        {
          id: 1,
          callFrame: { functionName: '(root)', url: '', lineNumber: -1, columnNumber: -1 },
          children: [2],
        },
        { id: 2, callFrame: { functionName: 'hot', url: '', lineNumber: 0, columnNumber: 0 } },
      ],
      startTime: 0,
      endTime: 3000,
      samples: [2, 2, 1],
      timeDeltas: [1000, 1000, 1000],
    });
    expect(summary.totalMs).toBe(3);
    expect(summary.lines[0]).toMatchObject({ function: 'hot', selfMs: 2 });
  });
});
