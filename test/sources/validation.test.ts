import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SourceDefinitionError } from '../../lake/errors.ts';
import { closest } from '../../sources/closest.ts';
import { loadSourceFile, loadSources, parseSourceDefinition } from '../../sources/loader.ts';
import type { DefinitionProblem } from '../../sources/problems.ts';

const problemsOf = (value: unknown): DefinitionProblem[] => {
  try {
    parseSourceDefinition(value, 'team.yaml');
  } catch (err) {
    if (err instanceof SourceDefinitionError) return err.context.problems as DefinitionProblem[];
    throw err;
  }
  return [];
};

/** A definition as loose data, to break on purpose. */
interface Loose {
  raw: Record<string, unknown>;
  decode: Record<string, unknown>;
  readready: Record<string, unknown> & { columns: unknown[] };
  [field: string]: unknown;
}

const valid = (): Loose => ({
  name: 'team',
  raw: {
    key_pattern: '^logs/(?<account>\\d{12})/(?<year>\\d{4})/[^/]+$',
    partition_keys: ['account', 'year'],
  },
  decode: { framing: 'ndjson' },
  readready: {
    time: { path: 'time', format: 'iso8601' },
    columns: [{ name: 'c', type: 'string', path: 'a' }],
  },
});

describe('validation that helps', () => {
  it('reports type errors and cross-field mistakes together, one per line, each with file, path and hint', () => {
    const def = valid();
    def.raw.account_capture = 'acct';
    def.raw.region_capture = 'region';
    def.raw.partition_keys = ['account', 'year', 'month'];
    def.readready.columns.push({ name: 'd', type: 'text', path: 'b' });
    def.readready.colums = [];
    const problems = problemsOf(def);
    expect(problems.map((p) => [p.path, p.message.split(':')[0]])).toEqual(
      expect.arrayContaining([
        ['readready.columns.1.type', 'Invalid option'],
        ['readready', 'Unrecognized key'],
        ['raw.partition_keys.2', 'key_pattern has no named capture (?<month>…)'],
        ['raw.account_capture', 'key_pattern has no named capture (?<acct>…)'],
        ['raw.region_capture', 'key_pattern has no named capture (?<region>…)'],
      ]),
    );
    expect(problems).toHaveLength(5);
    expect(problems.find((p) => p.path === 'readready')?.hint).toBe('did you mean columns?');
    expect(problems.find((p) => p.path === 'raw.account_capture')?.hint).toBe(
      'key_pattern captures: account, year',
    );
    let message = '';
    try {
      parseSourceDefinition(def, 'team.yaml');
    } catch (err) {
      message = (err as Error).message;
    }
    const lines = message.split('\n');
    expect(lines).toHaveLength(5);
    expect(lines).toContain(
      'team.yaml: raw.region_capture: key_pattern has no named capture (?<region>…) (hint: key_pattern captures: account, year)',
    );
  });

  it('checks example keys against the key pattern, and the pieces text framings need', () => {
    const def = valid();
    def.raw.example_keys = ['logs/111122223333/2026/a.json', 'other/111122223333/2026/a.json'];
    def.decode = { framing: 'lines' };
    const problems = problemsOf(def);
    expect(problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
      'raw.example_keys.1: example key does not match key_pattern: other/111122223333/2026/a.json',
      'decode.line_pattern: framing `lines` needs a line_pattern',
    ]);
    def.decode = { framing: 'ndjson', envelope: 'none', message_format: 'text', line_pattern: '^(\\S+)$' };
    expect(problemsOf(def).map((p) => p.path)).toEqual([
      'raw.example_keys.1',
      'decode.line_pattern',
      'decode.message_format',
    ]);
  });

  it('validates every file of a folder and reports them all', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loglake-val-'));
    await writeFile(join(dir, 'a.json'), JSON.stringify({ ...valid(), name: 'A' }));
    await writeFile(
      join(dir, 'b.json'),
      JSON.stringify({ ...valid(), name: 'b', decode: { framing: 'xml' } }),
    );
    const err = await loadSources([dir]).catch((e: unknown) => e);
    expect((err as Error).message).toContain(`${join(dir, 'a.json')}: name:`);
    expect((err as Error).message).toContain(`${join(dir, 'b.json')}: decode.framing:`);
  });

  it('reads message_format json as parse_message', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loglake-val-'));
    const file = join(dir, 'm.json');
    await writeFile(
      file,
      JSON.stringify({
        ...valid(),
        decode: { framing: 'concatenated', envelope: 'cloudwatch_logs', message_format: 'json' },
      }),
    );
    expect((await loadSourceFile(file)).decode.parse_message).toBe(true);
  });

  it('suggests the closest name: same letters in another case first, then by edit distance', () => {
    const paths = ['httpRequest', 'httpRequest.clientIp', 'httpRequest.country', 'timestamp'];
    expect(closest('httpRequest.clientIP', paths)).toBe('httpRequest.clientIp');
    expect(closest('httpRequest.cuontry', paths)).toBe('httpRequest.country');
    expect(closest('somethingElse', paths)).toBeUndefined();
    expect(closest('httpRequest.args', ['httpRequest.uri', 'httpRequest.clientIp'])).toBeUndefined();
  });
});
