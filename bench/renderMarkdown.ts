import { BENCH_SOURCES, type BenchResult, type ContenderRun } from './types.ts';

const int = (n: number) => Math.round(n).toLocaleString('en-US');
const fix = (n: number, d = 2) => n.toFixed(d);
const mib = (n: number) => (n / 2 ** 20).toFixed(1);
const x = (n: number) => `${n.toFixed(2)}×`;

function table(head: string[], rows: (string | number)[][]): string {
  const line = (cells: (string | number)[]) =>
    `| ${cells.map((c) => String(c).replace(/\|/g, '\\|')).join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...rows.map(line)].join('\n');
}

function label(r: ContenderRun): string {
  if (r.contender === 'loglake') return `loglake threads=${r.threads}`;
  if (r.contender === 'duckdb') return `DuckDB threads=${r.threads}`;
  return 'naive';
}

function runRow(size: string, r: ContenderRun): (string | number)[] {
  return [
    size,
    r.source,
    label(r),
    int(r.rows),
    int(r.eventsPerSec),
    fix(r.mbPerSecCompressed, 1),
    fix(r.mbPerSecUncompressed, 1),
    fix(r.elapsedMs / 1000),
    fix(r.cpuMs / 1000),
    int(r.eventsPerCpuSec),
    mib(r.peakRssBytes),
    mib(r.outputBytes),
  ];
}

const RUN_HEAD = [
  'size',
  'source',
  'contender',
  'rows',
  'events/s',
  'MB/s gzip',
  'MB/s JSON',
  'wall s',
  'CPU s',
  'events/CPU-s',
  'peak RSS MiB',
  'output MiB',
];

/** The Markdown report of a run: targets, every section a–g, the cost estimate, machine and notes. */
export function renderMarkdown(r: BenchResult): string {
  const m = r.machine;
  const out: string[] = [];
  out.push(`# loglake benchmark, ${r.startedAt}`);
  out.push('');
  out.push(
    `${m.cpuModel}, ${m.cores} cores, ${mib(m.totalMemoryBytes)} MiB memory, Node ${m.nodeVersion}, DuckDB ${m.duckdbVersion}, ` +
      `${m.platform}/${m.arch}, load average at start ${m.loadAverage.join(' ')}. Seed ${r.options.seed}; ` +
      `sizes ${r.options.sizes.map((s) => `${s.label} (${s.mbPerSource} MB/source)`).join(', ')}; ` +
      `${r.options.quick ? 'quick run; ' : ''}total ${fix(r.elapsedMs / 1000, 1)} s.`,
  );
  out.push('');
  out.push('## Targets (DESIGN §12)');
  out.push('');
  out.push(
    table(
      ['target', 'measured', ''],
      r.targets.map((t) => [t.target, t.measured, t.met ? 'met' : 'short']),
    ),
  );
  out.push('');
  out.push('## Data sets');
  out.push('');
  out.push(
    table(
      ['size', 'source', 'files', 'events', 'gzip MiB', 'JSON MiB', 'left out of DuckDB/naive'],
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.map((src) => [
          s.size.label,
          src,
          int(s.dataset.files[src]),
          int(s.dataset.events[src]),
          mib(s.dataset.bytesCompressed[src]),
          mib(s.dataset.bytesUncompressed[src]),
          `${s.dataset.excludedFiles.bad} bad + ${s.dataset.excludedFiles.skip} digest/insight/check (all sources)`,
        ]),
      ),
    ),
  );
  out.push('');
  out.push('## a, b, c: transform on one core — loglake, DuckDB native, naive');
  out.push('');
  out.push(
    table(
      RUN_HEAD,
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.flatMap((src) => {
          const t = s.transform[src];
          return [t.loglake, t.duckdb, ...(t.naive ? [t.naive] : [])].map((run) => runRow(s.size.label, run));
        }),
      ),
    ),
  );
  out.push('');
  out.push(
    table(
      [
        'size',
        'source',
        'loglake ÷ DuckDB',
        'per CPU-second',
        'loglake ÷ naive',
        'rows equal',
        'column checksums equal',
      ],
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.map((src) => {
          const t = s.transform[src];
          const c = t.checksums;
          const differ = c.columns.filter((col) => !col.equal).map((col) => col.column);
          return [
            s.size.label,
            src,
            x(t.ratioVsDuckdb),
            x(t.ratioVsDuckdbPerCpu),
            t.ratioVsNaive !== undefined ? x(t.ratioVsNaive) : '-',
            c.rowsEqual ? `yes (${int(c.rowsLoglake)})` : `NO (${int(c.rowsLoglake)} vs ${int(c.rowsOther)})`,
            `${c.columns.length - differ.length}/${c.columns.length}${differ.length ? ` (differ: ${differ.join(', ')})` : ''}` +
              (t.naiveChecksums ? `; naive ${t.naiveChecksums.allEqual ? 'all equal' : 'differs'}` : ''),
          ];
        }),
      ),
    ),
  );
  out.push('');
  out.push(
    'loglake stage breakdown (ms; decode and parquet summed over decoding threads and lanes (workers > 1 runs that many chunks side by side), the rest wall time; ' +
      'exact fallback: files the SQL decoder handed to the JavaScript decoder):',
  );
  out.push('');
  const stageNames = ['readWaitMs', 'decompressMs', 'decodeMs', 'spoolMs', 'parquetMs', 'publishMs'] as const;
  out.push(
    table(
      [
        'size',
        'source',
        'workers',
        'total',
        ...stageNames.map((n) => n.replace(/Ms$/, '')),
        'exact fallback',
      ],
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.flatMap((src) =>
          [s.transform[src].loglake, s.multicore[src].loglake].map((run) => [
            s.size.label,
            src,
            run.threads,
            int(run.elapsedMs),
            ...stageNames.map((n) => int(run.stages?.[n] ?? 0)),
            int(run.stages?.exactFallbackFiles ?? 0),
          ]),
        ),
      ),
    ),
  );
  out.push('');
  out.push('## d: multi-core');
  out.push('');
  out.push(
    table(
      RUN_HEAD,
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.flatMap((src) =>
          [s.multicore[src].loglake, s.multicore[src].duckdb].map((run) => runRow(s.size.label, run)),
        ),
      ),
    ),
  );
  out.push('');
  out.push(
    table(
      ['size', 'source', 'loglake speed-up', 'DuckDB speed-up', 'loglake ÷ DuckDB (multi-core)'],
      r.sizes.flatMap((s) =>
        BENCH_SOURCES.map((src) => {
          const mc = s.multicore[src];
          return [s.size.label, src, x(mc.loglakeSpeedup), x(mc.duckdbSpeedup), x(mc.ratioVsDuckdb)];
        }),
      ),
    ),
  );
  out.push('');
  out.push('## e: auditor queries, readready Parquet against raw gzip JSON (DuckDB)');
  out.push('');
  out.push(
    table(
      ['size', 'query', 'readready ms', 'raw ms', 'speed-up', 'rows', 'same answer'],
      r.sizes.flatMap((s) =>
        s.queries.queries.map((q) => [
          s.size.label,
          q.name,
          fix(q.readreadyMs, 1),
          fix(q.rawMs, 1),
          x(q.speedup),
          q.rows,
          q.sameResult ? 'yes' : 'NO',
        ]),
      ),
    ),
  );
  out.push('');
  out.push(
    table(
      ['size', 'speed-up geomean', 'slowest', 'raw gzip MiB', 'readready MiB', 'storage ratio'],
      r.sizes.map((s) => [
        s.size.label,
        x(s.queries.speedupGeomean),
        x(s.queries.speedupMin),
        mib(s.queries.rawBytes),
        mib(s.queries.readreadyBytes),
        x(s.queries.storageRatio),
      ]),
    ),
  );
  out.push('');
  out.push('## f: addapart');
  out.push('');
  out.push(
    table(
      [
        'size',
        'notifications',
        'batch',
        'notifications/s (core)',
        'writes per 1,000 files (warm)',
        '(cold per batch)',
        'max writes/batch',
        'bound (per table)',
        'embedded catalog notifications/s',
      ],
      r.sizes.map((s) => {
        const a = s.addapart;
        return [
          s.size.label,
          int(a.notifications),
          a.batchSize,
          int(a.notificationsPerSec),
          fix(a.writesPer1000Files, 1),
          fix(a.writesPer1000FilesCold, 1),
          a.maxWritesPerBatch,
          a.worstExcessPerTable <= 0 ? 'within' : `${a.worstExcessPerTable} over`,
          int(a.embedded.notificationsPerSec),
        ];
      }),
    ),
  );
  out.push('');
  out.push('## g: scaling');
  out.push('');
  out.push(
    table(
      ['size', 'MB/source', 'source', 'contender', 'rows', 'wall s', 'events/s', 'µs/event', 'peak RSS MiB'],
      r.scaling.map((p) => [
        p.size,
        p.mbPerSource,
        p.source,
        `${p.contender}${p.contender === 'naive' ? '' : ` ×${p.threads}`}`,
        int(p.rows),
        fix(p.elapsedMs / 1000),
        int(p.eventsPerSec),
        fix(p.usPerEvent, 2),
        mib(p.peakRssBytes),
      ]),
    ),
  );
  out.push('');
  const c = r.cost;
  out.push(
    `## Cost estimate: ${c.workload.compressedGB} GB compressed, ${int(c.workload.events)} events, ${int(c.workload.files)} files`,
  );
  out.push('');
  out.push(
    `Rates from size ${c.basedOn.size}: ${int(c.basedOn.eventsPerSecPerCore)} events/s per core, storage ratio ${c.basedOn.storageRatio}×, ` +
      `${int(c.basedOn.notificationsPerSec)} notifications/s. Prices are **assumptions** (us-east-1 list prices, no free tier):`,
  );
  out.push('');
  out.push(
    table(
      ['assumption', 'value', 'unit'],
      c.assumptions.map((a) => [a.name, a.value, a.unit]),
    ),
  );
  out.push('');
  out.push(
    table(
      ['item', 'quantity', 'unit', 'unit price USD', 'USD', 'note'],
      c.lines.map((l) => [l.item, l.quantity, l.unit, l.unitPrice, fix(l.usd, 4), l.note ?? '']),
    ),
  );
  out.push('');
  out.push(
    `Processing once: $${fix(c.totals.oneOffX86Usd, 2)} (x86) / $${fix(c.totals.oneOffArm64Usd, 2)} (arm64). Storage per month: ` +
      `raw $${fix(c.totals.monthlyStorageRawUsd, 2)}, readready $${fix(c.totals.monthlyStorageReadreadyUsd, 2)}. One full Athena scan: ` +
      `raw $${fix(c.totals.athenaFullScanRawUsd, 4)}, readready $${fix(c.totals.athenaFullScanReadreadyUsd, 4)}.`,
  );
  out.push('');
  out.push('## Notes');
  out.push('');
  for (const n of r.notes) out.push(`- ${n}`);
  out.push('');
  return out.join('\n');
}
