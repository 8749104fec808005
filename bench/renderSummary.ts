import { BENCH_SOURCES, type BenchResult } from './types.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const x = (n: number) => `${n.toFixed(2)}×`;
const mib = (n: number) => `${Math.round(n / 2 ** 20)} MiB`;

function grid(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) =>
    r
      .map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join('  ')
      .trimEnd(),
  );
}

/** The plain-text summary printed at the end of a run. */
export function renderSummary(r: BenchResult): string {
  const lines: string[] = [];
  lines.push('');
  lines.push(
    `loglake bench summary (${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.nodeVersion}, ` +
      `${mib(r.machine.totalMemoryBytes)}, load ${r.machine.loadAverage.join(' ')})`,
  );
  lines.push('');
  const head = [
    'size',
    'source',
    'loglake×1 ev/s',
    'DuckDB×1 ev/s',
    'ratio',
    'per-CPU',
    'naive ev/s',
    'loglake×2',
    'speed-up',
    'DuckDB×2',
    'speed-up',
    'peak RSS',
    'checksums',
  ];
  const rows = r.sizes.flatMap((s) =>
    BENCH_SOURCES.map((src) => {
      const t = s.transform[src];
      const m = s.multicore[src];
      const c = t.checksums;
      const equal = c.columns.filter((col) => col.equal).length;
      return [
        s.size.label,
        src,
        int(t.loglake.eventsPerSec),
        int(t.duckdb.eventsPerSec),
        x(t.ratioVsDuckdb),
        x(t.ratioVsDuckdbPerCpu),
        t.naive ? int(t.naive.eventsPerSec) : '-',
        int(m.loglake.eventsPerSec),
        x(m.loglakeSpeedup),
        int(m.duckdb.eventsPerSec),
        x(m.duckdbSpeedup),
        mib(Math.max(t.loglake.peakRssBytes, m.loglake.peakRssBytes)),
        `${c.rowsEqual ? 'rows =' : 'rows ≠'} ${equal}/${c.columns.length}`,
      ];
    }),
  );
  lines.push(...grid([head, ...rows]));
  lines.push('');
  for (const s of r.sizes) {
    const q = s.queries;
    const a = s.addapart;
    lines.push(
      `${s.size.label}: queries ${x(q.speedupGeomean)} faster on readready (geomean; slowest ${x(q.speedupMin)}; ` +
        `${q.queries.every((qq) => qq.sameResult) ? 'same answers' : 'ANSWERS DIFFER'}), storage ${x(q.storageRatio)} smaller; ` +
        `addapart ${int(a.notificationsPerSec)} notifications/s, ${a.writesPer1000Files.toFixed(1)} catalog writes per 1,000 files`,
    );
  }
  lines.push('');
  const c = r.cost;
  lines.push(
    `cost of ${c.workload.compressedGB} GB / ${int(c.workload.events)} events / ${int(c.workload.files)} files at size ${c.basedOn.size} rates ` +
      `(${int(c.basedOn.eventsPerSecPerCore)} events/s per core): processing $${c.totals.oneOffX86Usd.toFixed(2)} x86 / ` +
      `$${c.totals.oneOffArm64Usd.toFixed(2)} arm64; storage $${c.totals.monthlyStorageRawUsd.toFixed(2)}/month raw vs ` +
      `$${c.totals.monthlyStorageReadreadyUsd.toFixed(2)} readready; Athena full scan $${c.totals.athenaFullScanRawUsd.toFixed(4)} raw vs ` +
      `$${c.totals.athenaFullScanReadreadyUsd.toFixed(4)} readready`,
  );
  lines.push('price assumptions (us-east-1 list prices, ASSUMED, no free tier):');
  for (const a of c.assumptions) lines.push(`  ${a.name}: ${a.value} ${a.unit}`);
  lines.push('');
  lines.push('targets (DESIGN §12):');
  for (const t of r.targets) lines.push(`  ${t.met ? 'met  ' : 'short'}  ${t.target}: ${t.measured}`);
  lines.push('');
  for (const n of r.notes) lines.push(`note: ${n}`);
  return lines.join('\n');
}
