import { BENCH_SOURCES, type ScalingPoint, type SizeResult, type TargetCheck } from './types.ts';

const x = (n: number) => `${n.toFixed(2)}×`;
const int = (n: number) => Math.round(n).toLocaleString('en-US');
const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;

/** The largest µs/event ÷ the smallest size's, above which growth is not called linear. */
export const LINEAR_TOLERANCE = 1.25;

/**
 * The DESIGN §12 targets, each as measured in this run: per-source ratios at the largest size, peak
 * memory over every loglake run, and scaling across sizes. Reported, never asserted.
 */
export function checkTargets(sizes: readonly SizeResult[], scaling: readonly ScalingPoint[]): TargetCheck[] {
  const largest = sizes[sizes.length - 1];
  if (largest === undefined) return [];
  const at = `at ${largest.size.label}`;
  const out: TargetCheck[] = [];
  for (const source of BENCH_SOURCES) {
    const t = largest.transform[source];
    const floor = t.ratioVsDuckdb >= 0.7 ? 'above the 0.7× floor' : 'below the 0.7× floor';
    out.push({
      target: `transform ≥ 1.0× DuckDB on one core, ${source}`,
      measured: `${x(t.ratioVsDuckdb)} (${int(t.loglake.eventsPerSec)} vs ${int(t.duckdb.eventsPerSec)} events/s ${at}, ${floor}; per CPU-second ${x(t.ratioVsDuckdbPerCpu)})`,
      met: t.ratioVsDuckdb >= 1,
    });
  }
  for (const source of BENCH_SOURCES) {
    const c = largest.transform[source].checksums;
    const bad = c.columns.filter((col) => !col.equal).map((col) => col.column);
    out.push({
      target: `identical output rows to DuckDB, ${source}`,
      measured: `${int(c.rowsLoglake)} vs ${int(c.rowsOther)} rows, ${c.columns.length - bad.length}/${c.columns.length} column checksums equal${bad.length ? ` (differ: ${bad.join(', ')})` : ''}`,
      met: c.allEqual,
    });
  }
  const loglakeRuns = sizes.flatMap((s) =>
    BENCH_SOURCES.flatMap((src) => [s.transform[src].loglake, s.multicore[src].loglake]),
  );
  const peak = Math.max(...loglakeRuns.map((r) => r.peakRssBytes));
  out.push({
    target: 'peak memory < 1 GB (every loglake run, every size)',
    measured: `${mb(peak)} peak RSS`,
    met: peak < 2 ** 30,
  });
  for (const source of BENCH_SOURCES) {
    const m = largest.multicore[source];
    out.push({
      target: `multi-core ≥ 1.8× on 2 cores, ${source}`,
      measured: `${x(m.loglakeSpeedup)} (threads 2 vs 1 ${at}; DuckDB threads 2 vs 1: ${x(m.duckdbSpeedup)})`,
      met: m.loglakeSpeedup >= 1.8,
    });
  }
  const q = largest.queries;
  out.push({
    target: 'queries ≥ 10× faster on readready than on raw (every query)',
    measured: `slowest ${x(q.speedupMin)}, geometric mean ${x(q.speedupGeomean)} ${at}`,
    met: q.speedupMin >= 10,
  });
  out.push({
    target: 'readready ≥ 3× smaller than raw',
    measured: `${x(q.storageRatio)} (${mb(q.rawBytes)} raw gzip vs ${mb(q.readreadyBytes)} Parquet)`,
    met: q.storageRatio >= 3,
  });
  const a = largest.addapart;
  out.push({
    target: 'addapart ≤ ⌈distinct partitions/100⌉ catalog writes per batch (per table)',
    measured: `worst batch ${a.worstExcessPerTable <= 0 ? 'within' : `${a.worstExcessPerTable} over`} the bound; ${a.batchesOverGlobalBound}/${a.batches} batches over ⌈Σ distinct/100⌉ across tables; ${a.writesPer1000Files.toFixed(1)} writes per 1,000 files (warm cache)`,
    met: a.worstExcessPerTable <= 0,
  });
  out.push({
    target: 'addapart ≥ 20,000 notifications/s per core',
    measured: `${int(a.notificationsPerSec)} notifications/s (core, in-memory catalog)`,
    met: a.notificationsPerSec >= 20_000,
  });
  if (sizes.length >= 2) {
    const first = sizes[0]!;
    for (const source of BENCH_SOURCES) {
      const pts = scaling.filter((p) => p.source === source && p.contender === 'loglake' && p.threads === 1);
      const lo = pts.find((p) => p.size === first.size.label);
      const hi = pts.find((p) => p.size === largest.size.label);
      if (!lo || !hi) continue;
      const growth = hi.usPerEvent / lo.usPerEvent;
      out.push({
        target: `cost grows linearly with input, ${source} (µs/event ${largest.size.label} ÷ ${first.size.label} ≤ ${LINEAR_TOLERANCE})`,
        measured: `${lo.usPerEvent.toFixed(1)} → ${hi.usPerEvent.toFixed(1)} µs/event (${x(growth)}); peak RSS ${mb(lo.peakRssBytes)} → ${mb(hi.peakRssBytes)}`,
        met: growth <= LINEAR_TOLERANCE,
      });
    }
  }
  return out;
}
