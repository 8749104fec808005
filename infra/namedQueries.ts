import { toPositional } from '../sql/namedParams.ts';
import { loadQueryPack, type NamedQuery } from '../sql/queryPack.ts';

/** Markers around the generated block in infra/loglake.yaml. */
export const BEGIN_MARK =
  '  # ---- named queries: generated from sql/queries by scripts/named-queries.ts; do not edit ----';
export const END_MARK = '  # ---- end of generated named queries ----';

/** A YAML flow string as biome formats it: double-quoted, or single-quoted when that avoids escapes. */
function yamlString(text: string): string {
  return text.includes('"') && !text.includes("'") ? `'${text}'` : JSON.stringify(text);
}

const pascal = (name: string) =>
  name
    .split('_')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');

/**
 * The query as Athena runs it from the console or `StartQueryExecution`: positional `?` (the
 * console's "Run with parameters" asks for them in order), with the order written in a comment.
 */
export function athenaQueryText(q: NamedQuery): string {
  const { sql } = toPositional(q.sql, Object.fromEntries(q.params.map((p) => [p.name, null])));
  const order: string[] = [];
  toPositionalOrder(q, order);
  const note = order.length > 0 ? `-- Athena: the ? placeholders take, in order: ${order.join(', ')}\n` : '';
  return `${note}${sql.trimEnd()}\n`;
}

/** The parameter names in placeholder order (a name used twice appears twice). */
function toPositionalOrder(q: NamedQuery, out: string[]): void {
  const marker = Object.fromEntries(q.params.map((p) => [p.name, p.name]));
  out.push(...(toPositional(q.sql, marker).params as string[]));
}

/** The `AWS::Athena::NamedQuery` resources of the pack, as the template's YAML block. */
export function namedQueriesBlock(pack: readonly NamedQuery[] = loadQueryPack()): string {
  const lines = [BEGIN_MARK];
  for (const q of pack) {
    const text = athenaQueryText(q)
      .split('\n')
      .slice(0, -1)
      .map((l) => (l === '' ? '' : `        ${l}`));
    lines.push(
      `  NamedQuery${pascal(q.name)}:`,
      '    Type: AWS::Athena::NamedQuery',
      '    Properties:',
      '      Name:',
      `        Fn::Sub: "\${Prefix}-${q.name}"`,
      `      Description: ${yamlString(q.description.slice(0, 1024))}`,
      '      Database:',
      '        Ref: DatabaseName',
      '      WorkGroup:',
      '        Ref: AthenaWorkGroup',
      '      QueryString: |',
      ...text,
      '',
    );
  }
  lines.push(END_MARK);
  return lines.join('\n');
}

/** The template with its generated block replaced by `block` (or inserted before `Outputs:`). */
export function withNamedQueries(template: string, block: string = namedQueriesBlock()): string {
  const begin = template.indexOf(BEGIN_MARK);
  const end = template.indexOf(END_MARK);
  if (begin >= 0 && end > begin)
    return template.slice(0, begin) + block + template.slice(end + END_MARK.length);
  const outputs = template.indexOf('\nOutputs:');
  if (outputs < 0)
    throw new Error('infra/loglake.yaml has no Outputs: section to put the named queries before');
  return `${template.slice(0, outputs)}\n${block}\n${template.slice(outputs)}`;
}
