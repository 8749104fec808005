import type { Command } from '../command.ts';
import { renderCsv, renderJson, renderTable } from '../format.ts';
import { UsageError } from '../io.ts';

export const query: Command = {
  name: 'query',
  summary: 'run SQL over the readready tables and session_review',
  usage: 'loglake query "<sql>" [--param <value>…] [--format table|json|csv]',
  help: [
    '--format <f>      table (default), json or csv',
    '--param <value>   bound to the next ? placeholder (repeatable); never spliced into the SQL',
  ],
  options: { format: { type: 'string' }, param: { type: 'string', multiple: true } },
  positionals: true,
  async run({ positionals, values, io, openLake }) {
    const sql = positionals.join(' ').trim();
    if (sql === '')
      throw new UsageError('give the SQL to run, e.g. loglake query "SELECT * FROM session_review"');
    const format = (values.format as string | undefined) ?? 'table';
    if (!['table', 'json', 'csv'].includes(format))
      throw new UsageError(`--format must be table, json or csv, got ${format}`);
    const lake = await openLake();
    try {
      const engine = await lake.openQueryEngine();
      try {
        const result = await engine.query(sql, (values.param as string[] | undefined) ?? []);
        const cols = result.columns.map((c) => c.name);
        if (format === 'json') io.out(renderJson(result.rows));
        else if (format === 'csv') io.out(renderCsv(cols, result.rows));
        else io.out(`${renderTable(cols, result.rows)}\n(${result.rows.length} rows)`);
      } finally {
        await engine.close();
      }
    } finally {
      await lake.close();
    }
    return 0;
  },
};
