import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { athenaQueryText, withNamedQueries } from '../../infra/namedQueries.ts';
import { loadQueryPack } from '../../sql/index.ts';

const TEMPLATE = readFileSync('infra/loglake.yaml', 'utf8');
type Resource = { Type: string; Properties: Record<string, unknown> };
const resources = (parse(TEMPLATE) as { Resources: Record<string, Resource> }).Resources;

describe('the Athena named queries in infra/loglake.yaml', () => {
  it('match the query pack (regenerate with npx tsx scripts/named-queries.ts)', () => {
    expect(withNamedQueries(TEMPLATE)).toBe(TEMPLATE);
  });

  it('deploy every pack query, positional, into the auditors workgroup and the lake database', () => {
    const named = Object.values(resources).filter((r) => r.Type === 'AWS::Athena::NamedQuery');
    const pack = loadQueryPack();
    expect(named).toHaveLength(pack.length);
    for (const q of pack) {
      const r = named.find(
        (x) => (x.Properties.Name as { 'Fn::Sub': string })['Fn::Sub'] === `\${Prefix}-${q.name}`,
      );
      expect(r, q.name).toBeDefined();
      expect(r!.Properties.QueryString).toBe(athenaQueryText(q));
      expect(r!.Properties.QueryString).not.toMatch(/[^:]:[a-z_]+\b(?!')/);
      expect(r!.Properties.WorkGroup).toEqual({ Ref: 'AthenaWorkGroup' });
      expect(r!.Properties.Database).toEqual({ Ref: 'DatabaseName' });
      expect(String(r!.Properties.Description).length).toBeLessThanOrEqual(1024);
    }
  });

  it('says which parameter each ? takes', () => {
    const iam = loadQueryPack().find((q) => q.name === 'iam_changes')!;
    expect(athenaQueryText(iam)).toMatch(
      /^-- Athena: the \? placeholders take, in order: from_time, to_time, from_time, to_time\n/,
    );
  });
});
