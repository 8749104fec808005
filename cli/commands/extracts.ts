import { rebuildExtracts } from '../../compact/index.ts';
import { transformContext } from '../../transform/runTransform.ts';
import type { Command } from '../command.ts';
import { renderTable } from '../format.ts';
import { UsageError } from '../io.ts';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

function dayOption(v: unknown, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (typeof v !== 'string' || !DAY.test(v)) throw new UsageError(`--${name} must be YYYY-MM-DD`);
  return v;
}

export const extractsCommand: Command = {
  name: 'extracts',
  summary: 'rebuild extract tables (e.g. from_cloudtrail_sessions) from the published readready files',
  usage: 'loglake extracts [--table <t>] [--day YYYY-MM-DD | --from YYYY-MM-DD --to YYYY-MM-DD]',
  help: [
    'Transform writes each extract beside its readready files; run this once for days written before',
    'an extract existed (an upgraded lake, or an extract added to a definition). Safe to re-run, and',
    'safe while transform runs: a file landing meanwhile is carried into the new generation.',
    '--table <t>          only this extract table (default all)',
    '--day <YYYY-MM-DD>   only this calendar day',
    '--from, --to         only days in this range (inclusive)',
  ],
  options: {
    table: { type: 'string' },
    day: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
  },
  async run({ values, io, openLake }) {
    const table = values.table;
    if (table !== undefined && (typeof table !== 'string' || table === ''))
      throw new UsageError('--table needs a value');
    const selection = {
      table,
      day: dayOption(values.day, 'day'),
      from: dayOption(values.from, 'from'),
      to: dayOption(values.to, 'to'),
    };
    const lake = await openLake();
    try {
      const ctx = transformContext(lake);
      const reports = await rebuildExtracts(
        { ...ctx, control: lake.control, sources: lake.sources },
        selection,
      );
      io.out(
        renderTable(
          ['table', 'calendarday', 'action', 'files read', 'rows', 'carried', 'note'],
          reports.map((r) => ({
            table: r.table,
            calendarday: r.calendarday,
            action: r.action,
            'files read': r.filesRead,
            rows: r.rows,
            carried: r.carried.length,
            note: r.action === 'rebuilt' ? `gen=${r.generation}` : (r.reason ?? ''),
          })),
        ),
      );
      const done = reports.filter((r) => r.action === 'rebuilt').length;
      io.out(`extracts: ${done} of ${reports.length} days rebuilt`);
    } finally {
      await lake.close();
    }
    return 0;
  },
};
