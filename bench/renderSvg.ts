import { BENCH_SOURCES, type BenchResult, type ContenderRun } from './types.ts';

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The bars of each group, in order, with their colours. */
const SERIES: {
  name: string;
  color: string;
  pick(t: BenchResult['sizes'][number], s: 'cloudtrail' | 'cloudwatch'): ContenderRun | undefined;
}[] = [
  { name: 'loglake, 1 worker', color: '#1f77b4', pick: (t, s) => t.transform[s].loglake },
  { name: 'DuckDB, 1 thread', color: '#ff7f0e', pick: (t, s) => t.transform[s].duckdb },
  { name: 'naive', color: '#7f7f7f', pick: (t, s) => t.transform[s].naive },
  { name: 'loglake, 2 workers', color: '#aec7e8', pick: (t, s) => t.multicore[s].loglake },
  { name: 'DuckDB, 2 threads', color: '#ffbb78', pick: (t, s) => t.multicore[s].duckdb },
];

/** A round axis maximum and step above `max`. */
function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 5;
  const pow = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * pow).find((s) => s >= raw) ?? 10 * pow;
  return { top: Math.ceil(max / step) * step, step };
}

const short = (n: number) =>
  n >= 1e6 ? `${(n / 1e6).toFixed(1)}M` : n >= 1e3 ? `${Math.round(n / 1e3)}k` : String(Math.round(n));

/**
 * A grouped bar chart of events/s per contender, one group per size and source, as a hand-written
 * SVG document (no dependencies).
 */
export function renderSvg(r: BenchResult): string {
  const groups = r.sizes.flatMap((s) => BENCH_SOURCES.map((src) => ({ size: s, source: src })));
  const bar = 22;
  const gap = 34;
  const left = 70;
  const top = 56;
  const plotH = 300;
  const width = Math.max(
    left + SERIES.length * 150 + 20,
    left + groups.length * (SERIES.length * bar + gap) + 20,
  );
  // Spread the groups over the plot when there are few of them.
  const groupW = (width - left - 20) / Math.max(1, groups.length);
  const height = top + plotH + 110;
  const values = groups.flatMap((g) => SERIES.map((s) => s.pick(g.size, g.source)?.eventsPerSec ?? 0));
  const { top: yMax, step } = niceScale(Math.max(...values, 1));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const parts: string[] = [];
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
  );
  parts.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  parts.push(
    `<text x="${left}" y="22" font-size="16" font-weight="bold">${esc('loglake transform: events per second (higher is better)')}</text>`,
  );
  parts.push(
    `<text x="${left}" y="40" fill="#555">${esc(`${r.machine.cpuModel}, ${r.machine.cores} cores, Node ${r.machine.nodeVersion}, ${r.startedAt}`)}</text>`,
  );
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    const yy = y(v).toFixed(1);
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${yy}" y2="${yy}" stroke="#e5e5e5"/>`);
    parts.push(
      `<text x="${left - 6}" y="${yy}" text-anchor="end" dominant-baseline="middle">${short(v)}</text>`,
    );
  }
  groups.forEach((g, gi) => {
    const x0 = left + gi * groupW + (groupW - SERIES.length * bar) / 2;
    SERIES.forEach((s, si) => {
      const v = s.pick(g.size, g.source)?.eventsPerSec;
      if (v === undefined) return;
      const xx = x0 + si * bar;
      parts.push(
        `<rect x="${xx}" y="${y(v).toFixed(1)}" width="${bar - 3}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${s.color}">` +
          `<title>${esc(`${g.size.size.label} ${g.source} ${s.name}: ${Math.round(v)} events/s`)}</title></rect>`,
      );
      parts.push(
        `<text x="${xx + (bar - 3) / 2}" y="${(y(v) - 4).toFixed(1)}" text-anchor="middle" font-size="9">${short(v)}</text>`,
      );
    });
    const cx = x0 + (SERIES.length * bar) / 2;
    parts.push(`<text x="${cx}" y="${top + plotH + 18}" text-anchor="middle">${esc(g.source)}</text>`);
    parts.push(
      `<text x="${cx}" y="${top + plotH + 34}" text-anchor="middle" fill="#555">${esc(`${g.size.size.label} (${g.size.size.mbPerSource} MB)`)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${width - 10}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  SERIES.forEach((s, i) => {
    const lx = left + i * 150;
    const ly = top + plotH + 62;
    parts.push(`<rect x="${lx}" y="${ly}" width="12" height="12" fill="${s.color}"/>`);
    parts.push(`<text x="${lx + 18}" y="${ly + 10}">${esc(s.name)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
