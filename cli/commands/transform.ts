import type { TransformEngine } from '../../lake/config.ts';
import { DECODER_NAMES, DECODERS } from '../../transform/decoders/index.ts';
import { runTransform, type TransformSummary } from '../../transform/runTransform.ts';
import { type Command, intOption } from '../command.ts';
import { bytes, num } from '../format.ts';
import { type CliIO, progress, UsageError } from '../io.ts';

const sumOf = (r: Record<string, number>) => Object.values(r).reduce((a, b) => a + b, 0);
const list = (r: Record<string, number>) =>
  Object.entries(r)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ') || '-';

/** Prints a transform run summary with its reconciliation line. */
export function printTransformSummary(io: CliIO, s: TransformSummary): void {
  const t = s.totals;
  const secs = s.elapsedMs / 1000;
  io.out(
    `transform: ${s.runs.length} batches, ${num(t.files)} files (${num(t.filesQuarantined)} quarantined), ` +
      `${bytes(t.bytesCompressed)} compressed` +
      // DuckDB decompresses gzip itself; only files decoded in JavaScript have a measured size.
      (t.bytesUncompressed > 0 ? ` (${bytes(t.bytesUncompressed)} decompressed in JavaScript)` : ''),
  );
  io.out(
    `  files in ${num(t.files)} = decoded ${num(t.filesDecoded)} + quarantined ${num(t.filesQuarantined)}; ` +
      `events in ${num(t.eventsIn)} = rows ${num(t.rows)} + skipped ${num(sumOf(t.skipped))} (${list(t.skipped)}) + ` +
      `quarantined ${num(t.quarantined)} (${list(t.quarantinedByReason)}): ${s.reconciled ? 'reconciled' : 'NOT RECONCILED'}`,
  );
  if (t.filesQuarantined > 0) {
    // Reconciled is not complete: say plainly how much evidence the quarantined files hold back.
    io.out(
      `  INCOMPLETE: ${num(t.filesQuarantined)} files quarantined whole, withholding ${bytes(t.bytesWithheld)} ` +
        `(at least ${num(t.eventsWithheld)} events read before the failure); listed below and by \`loglake status\``,
    );
  }
  io.out(`  ${secs.toFixed(2)} s, ${num(Math.round(t.eventsIn / Math.max(secs, 0.001)))} events/s`);
  for (const r of s.runs) {
    for (const q of r.quarantinedFiles) {
      io.out(`  quarantined ${q.key} (${bytes(q.bytes)}): ${q.reason}: ${q.message}`);
    }
  }
}

/** `--engine`: one of the decoder registry's names. */
export function engineOption(v: unknown): TransformEngine | undefined {
  if (v === undefined) return undefined;
  const name = DECODER_NAMES.find((n) => n === v);
  if (name !== undefined) return name;
  throw new UsageError(`--engine must be ${DECODER_NAMES.join(' or ')}, got ${String(v)}`);
}

export const transform: Command = {
  name: 'transform',
  summary: 'turn landed raw files into readready Parquet tables',
  usage: `loglake transform [--max-files <n>] [--workers <n>] [--engine ${DECODER_NAMES.join('|')}]`,
  help: [
    'exit status: 0 complete; 3 reconciled but files or events quarantined or set aside; 1 not reconciled',
    '--max-files <n>   files per batch (default from config: 1000)',
    '--workers <n>     parallelism: lanes of the duckdb engine (chunks side by side), worker threads of js (default from config: 1)',
    '--engine <e>      which decoder does the bulk (default from config: duckdb):',
    ...DECODER_NAMES.map((name) => `                    ${name}: ${DECODERS[name].summary}`),
  ],
  options: { 'max-files': { type: 'string' }, workers: { type: 'string' }, engine: { type: 'string' } },
  async run({ values, io, config, openLake }) {
    const base = config();
    const workers = Math.max(1, intOption(values, 'workers', base.transform.workers));
    const engine = engineOption(values.engine) ?? base.transform.engine;
    // Opened with the flags' lanes, so DuckDB's threads are sized for them (lake/duckThreads.ts).
    const lake = await openLake({ ...base, transform: { ...base.transform, workers, engine } });
    try {
      const bar = progress(io, 'transform');
      const summary = await runTransform(lake, {
        maxFiles: intOption(values, 'max-files', lake.config.transform.maxFiles),
        workers,
        engine,
        onProgress: bar.update,
      });
      bar.end();
      printTransformSummary(io, summary);
      const aside = await lake.ledger.listSetAside();
      if (summary.failures.length > 0 || aside.length > 0) {
        // A batch that failed was retried, split, or set aside: say where the files are.
        io.out(
          `  ${summary.failures.length} batch runs failed and were retried or split; ${aside.length} batches ` +
            `(${aside.reduce((n, b) => n + b.files.length, 0)} files) are set aside: \`loglake status\`, \`loglake replay --set-aside\``,
        );
        if (aside.length > 0 && summary.reconciled) return 3;
      }
      // 0: complete; 3: reconciled, but files or events were quarantined; 1: not reconciled.
      return !summary.reconciled ? 1 : summary.complete ? 0 : 3;
    } finally {
      await lake.close();
    }
  },
};
