import {
  compactLake,
  DEFAULT_GRACE_MS,
  DEFAULT_TARGET_BYTES,
  DEFAULT_ZSTD_LEVEL,
  type PartitionReport,
} from '../../compact/index.ts';
import { transformContext } from '../../transform/runTransform.ts';
import { type Command, intOption } from '../command.ts';
import { bytes, renderTable } from '../format.ts';
import { UsageError } from '../io.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function stringOption(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || v === '') throw new UsageError(`--${name} needs a value`);
  return v;
}

function reason(r: PartitionReport): string {
  if (r.action === 'compacted') return `gen=${r.generation}`;
  if (r.gc.state === 'collected') return `${r.reason}; old generation deleted`;
  if (r.gc.state === 'waiting') return `${r.reason}; old generation kept until ${r.gc.until}`;
  return r.reason ?? '';
}

export const compact: Command = {
  name: 'compact',
  summary: "merge a day's small readready files into sorted large ones (new generation, catalog switched)",
  usage:
    'loglake compact [--table <t>] [--day YYYY-MM-DD] [--target-mb <n>] [--grace-minutes <n>] [--zstd-level <n>] [--gc]',
  help: [
    '--table <t>          only this readready table (default all)',
    '--day <YYYY-MM-DD>   only this calendar day (default all registered days)',
    `--target-mb <n>      output file size (default ${DEFAULT_TARGET_BYTES / 1024 / 1024})`,
    `--grace-minutes <n>  how long a replaced generation stays readable (default ${DEFAULT_GRACE_MS / 60_000})`,
    `--zstd-level <n>     ZSTD level of the merged files, 1-22 (default ${DEFAULT_ZSTD_LEVEL})`,
    '--gc                 only delete replaced generations whose grace period has passed',
  ],
  options: {
    table: { type: 'string' },
    day: { type: 'string' },
    'target-mb': { type: 'string' },
    'grace-minutes': { type: 'string' },
    'zstd-level': { type: 'string' },
    gc: { type: 'boolean' },
  },
  async run({ values, io, openLake }) {
    const table = stringOption(values.table, 'table');
    const day = stringOption(values.day, 'day');
    if (day !== undefined && !DAY.test(day)) throw new UsageError(`--day must be YYYY-MM-DD, got ${day}`);
    const targetMb = intOption(values, 'target-mb', DEFAULT_TARGET_BYTES / 1024 / 1024);
    if (targetMb < 1) throw new UsageError('--target-mb must be at least 1');
    const graceMinutes = intOption(values, 'grace-minutes', DEFAULT_GRACE_MS / 60_000);
    const zstdLevel = intOption(values, 'zstd-level', DEFAULT_ZSTD_LEVEL);
    if (zstdLevel < 1 || zstdLevel > 22) throw new UsageError('--zstd-level must be from 1 to 22');
    const lake = await openLake();
    try {
      const reports = await compactLake(
        transformContext(lake),
        lake.sources,
        { table, day },
        {
          targetBytes: targetMb * 1024 * 1024,
          graceMs: graceMinutes * 60_000,
          zstdLevel,
          gcOnly: values.gc === true,
        },
      );
      io.out(
        renderTable(
          ['table', 'calendarday', 'action', 'files', 'bytes', 'carried', 'note'],
          reports.map((r) => ({
            table: r.table,
            calendarday: r.calendarday,
            action: r.action,
            files: r.filesBefore === r.filesAfter ? r.filesAfter : `${r.filesBefore} -> ${r.filesAfter}`,
            bytes:
              r.bytesBefore === r.bytesAfter
                ? bytes(r.bytesAfter)
                : `${bytes(r.bytesBefore)} -> ${bytes(r.bytesAfter)}`,
            carried: r.carried.length,
            note: reason(r),
          })),
        ),
      );
      const done = reports.filter((r) => r.action === 'compacted').length;
      io.out(`compact: ${done} of ${reports.length} partitions compacted`);
    } finally {
      await lake.close();
    }
    return 0;
  },
};
