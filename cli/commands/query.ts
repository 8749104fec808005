import { bindNamedQuery, namedQuery, parseParamPairs } from '../../sql/queryPack.ts';
import type { Command } from '../command.ts';
import { renderCsv, renderJson, renderTable } from '../format.ts';
import { UsageError } from '../io.ts';

export const query: Command = {
  name: 'query',
  summary: 'run SQL, or a query of the pack, over the readready tables and views',
  usage:
    'loglake query "<sql>" [--param <value>…] [--format table|json|csv]\n' +
    '       loglake query --named <name> [--param <name>=<value>…] [--format table|json|csv]',
  help: [
    '--format <f>      table (default), json or csv',
    '--param <value>   bound to the next ? placeholder (repeatable); never spliced into the SQL',
    '--named <name>    run a query of the pack (loglake queries lists them); --param name=value then',
    '                  gives its named parameters, each checked by type, every one required',
    'Queries run read-only: one SELECT, over the published readready data only.',
  ],
  options: {
    format: { type: 'string' },
    param: { type: 'string', multiple: true },
    named: { type: 'string' },
  },
  positionals: true,
  async run({ positionals, values, io, openLake }) {
    const given = (values.param as string[] | undefined) ?? [];
    const name = values.named as string | undefined;
    let sql = positionals.join(' ').trim();
    let params: (string | number | boolean | null)[] = given;
    if (name !== undefined) {
      if (sql !== '') throw new UsageError('give either --named <name> or the SQL, not both');
      ({ sql, params } = bindNamedQuery(namedQuery(name), parseParamPairs(given)));
    } else if (sql === '') {
      throw new UsageError('give the SQL to run, e.g. loglake query "SELECT * FROM session_review"');
    }
    const format = (values.format as string | undefined) ?? 'table';
    if (!['table', 'json', 'csv'].includes(format))
      throw new UsageError(`--format must be table, json or csv, got ${format}`);
    const lake = await openLake();
    try {
      const engine = await lake.openQueryEngine();
      try {
        const result = await engine.query(sql, params);
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
