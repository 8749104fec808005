import { exportEvidence } from '../../export/index.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../io.ts';

export const exportCommand: Command = {
  name: 'export',
  summary: 'export evidence (selected rows, views, run tables, manifest) that opens in the duckdb CLI',
  usage:
    'loglake export --from YYYY-MM-DD --to YYYY-MM-DD [--session <id>…] [--principal <arn>…] --out <file.duckdb | folder>',
  help: [
    '--from, --to      calendar days (UTC), inclusive',
    '--session <id>    only this session (repeatable; a failed StartSession by its eventid, its review_id)',
    '--principal <arn> only this principal: its events and the lines of the sessions it started (repeatable)',
    '--out <path>      a .duckdb file (manifest beside it, <file>.manifest.json), or a folder of Parquet',
    '                  files with views.sql and manifest.json; never overwrites an existing path',
    'Open it: duckdb -readonly <file.duckdb>, or cd <folder> && duckdb -init views.sql',
  ],
  options: {
    from: { type: 'string' },
    to: { type: 'string' },
    session: { type: 'string', multiple: true },
    principal: { type: 'string', multiple: true },
    out: { type: 'string' },
  },
  async run({ values, io, openLake }) {
    const from = values.from as string | undefined;
    const to = values.to as string | undefined;
    const out = values.out as string | undefined;
    if (!from || !to || !out) throw new UsageError('give --from, --to and --out (see loglake export --help)');
    const lake = await openLake();
    try {
      const m = await exportEvidence(lake, {
        from,
        to,
        out,
        sessions: (values.session as string[] | undefined) ?? [],
        principals: (values.principal as string[] | undefined) ?? [],
      });
      const counts = Object.entries(m.rowCounts).map(([t, n]) => `${t} ${n}`);
      io.out(`exported ${counts.join(', ')} to ${out}`);
      io.out(`${m.files.length} files with SHA-256 in the manifest; views: ${m.views.join(', ') || 'none'}`);
    } finally {
      await lake.close();
    }
    return 0;
  },
};
