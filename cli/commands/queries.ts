import { loadQueryPack, namedQuery } from '../../sql/queryPack.ts';
import type { Command } from '../command.ts';
import { renderJson } from '../format.ts';
import { UsageError } from '../io.ts';

export const queries: Command = {
  name: 'queries',
  summary: 'list the query pack (sql/queries), or show one query with its parameters and SQL',
  usage: 'loglake queries [<name>] [--format text|json]',
  help: [
    '--format <f>      text (default) or json',
    'Run one with: loglake query --named <name> --param k=v…',
  ],
  options: { format: { type: 'string' } },
  positionals: true,
  async run({ positionals, values, io }) {
    const format = (values.format as string | undefined) ?? 'text';
    if (!['text', 'json'].includes(format))
      throw new UsageError(`--format must be text or json, got ${format}`);
    const pack = positionals.length > 0 ? positionals.map((n) => namedQuery(n)) : loadQueryPack();
    if (format === 'json') {
      io.out(
        renderJson(
          pack.map(({ name, description, params, reads, sql }) => ({
            name,
            description,
            params,
            reads,
            sql,
          })),
        ),
      );
      return 0;
    }
    for (const q of pack) {
      const usage = q.params.map((p) => ` --param ${p.name}=<${p.type}>`).join('');
      io.out(`${q.name}\n  ${q.description}\n  loglake query --named ${q.name}${usage}`);
      for (const p of q.params) io.out(`    ${p.name} (${p.type}): ${p.description}`);
      if (positionals.length > 0) io.out(`\n${q.sql.trimEnd()}`);
      io.out('');
    }
    return 0;
  },
};
