import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SourceDefinitionError } from '../../lake/errors.ts';
import { sourceDefinitionJsonSchema } from '../../sources/jsonSchema.ts';
import { loadSourceFile, loadSources } from '../../sources/loader.ts';

async function writeDef(name: string, text: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loglake-src-'));
  const file = join(dir, name);
  await writeFile(file, text);
  return file;
}

describe('source definitions', () => {
  it('ships cloudtrail and cloudwatch as ordinary definitions with the contract tables', async () => {
    const sources = await loadSources();
    expect(sources.map((s) => [s.name, s.rawTable, s.readreadyTable])).toEqual([
      ['cloudtrail', 'from_cloudtrail_raw', 'from_cloudtrail_readready'],
      ['cloudwatch', 'from_cloudwatch_raw', 'from_cloudwatch_readready'],
    ]);
    const ct = sources[0]!.readready.columns.map((c) => c.name);
    for (const col of [
      'eventtime',
      'eventid',
      'useridentity_arn',
      'sessionissuer_arn',
      'sourceidentity',
      'mfaauthenticated',
      'sessionid',
      'target',
      'requestparameters',
      'resources',
    ]) {
      expect(ct).toContain(col);
    }
    const cw = sources[1]!.readready.columns.map((c) => c.name);
    expect(cw).toEqual([
      'eventtime',
      'logeventid',
      'owner',
      'loggroup',
      'logstream',
      'message',
      'sessionid',
      'sessiondata',
      'target',
      'runasuser',
      'useridentity_arn',
    ]);
  });

  it('names the file and the path of each mistake', async () => {
    const file = await writeDef(
      'broken.yaml',
      [
        'name: Broken-Name',
        'raw: { key_pattern: "^(?<year>\\\\d{4})/x$", partition_keys: [year, month] }',
        'decode: { framing: xml }',
        'readready:',
        '  time: { path: ts, format: iso8601 }',
        '  columns:',
        '    - { name: ok, type: string, path: a }',
        '    - { name: bad, type: text, path: b }',
      ].join('\n'),
    );
    const err = await loadSourceFile(file).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceDefinitionError);
    const message = (err as Error).message;
    expect(message).toContain(`${file}: name:`);
    expect(message).toContain(`${file}: decode.framing:`);
    expect(message).toContain(`${file}: readready.columns.1.type:`);
  });

  it('checks that partition keys are named captures of the key pattern', async () => {
    const file = await writeDef(
      'keys.json',
      JSON.stringify({
        name: 'keys',
        raw: { key_pattern: '^(?<year>\\d{4})/x$', partition_keys: ['year', 'month'] },
        decode: { framing: 'ndjson' },
        readready: {
          time: { path: 't', format: 'iso8601' },
          columns: [{ name: 'c', type: 'string', path: 'a' }],
        },
      }),
    );
    await expect(loadSourceFile(file)).rejects.toThrow(
      `${file}: raw.partition_keys.1: key_pattern has no named capture (?<month>…)`,
    );
  });

  it('rejects invalid YAML and a column that sets both path and first', async () => {
    await expect(loadSourceFile(await writeDef('bad.yaml', 'name: [unclosed'))).rejects.toThrow(
      /not valid YAML/,
    );
    const file = await writeDef(
      'both.json',
      JSON.stringify({
        name: 'both',
        raw: { key_pattern: '^(?<d>x)$', partition_keys: ['d'] },
        decode: { framing: 'ndjson' },
        readready: {
          time: { path: 't', format: 'iso8601' },
          columns: [{ name: 'c', type: 'string', path: 'a', first: [{ path: 'b' }] }],
        },
      }),
    );
    await expect(loadSourceFile(file)).rejects.toThrow(
      /readready\.columns\.0: give exactly one of `path` or `first`/,
    );
  });

  it('publishes an up-to-date JSON Schema for editors', () => {
    const published = JSON.parse(
      readFileSync(
        fileURLToPath(new URL('../../sources/source-definition.schema.json', import.meta.url)),
        'utf8',
      ),
    );
    expect(published).toEqual(sourceDefinitionJsonSchema());
    expect(Object.keys((published as { properties: object }).properties)).toEqual([
      'name',
      'description',
      'raw',
      'decode',
      'readready',
    ]);
  });
});
