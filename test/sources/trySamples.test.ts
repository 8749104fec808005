import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../cli/io.ts';
import { main } from '../../cli/main.ts';
import { loadSources, parseSourceDefinition } from '../../sources/loader.ts';
import { trySamples } from '../../sources/trySamples.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/sources/', import.meta.url));
const WAF_KEY =
  'waf/2026/11/01/09/aws-waf-logs-prod-1-2026-11-01-09-15-01-3f2e1d0c-9b8a-4766-8554-433221100ffe';

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = { out: (l) => out.push(l), err: (l) => err.push(l), isTTY: false };
  const code = await main(argv, io);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const wafRecord = (i: number) => ({
  timestamp: Date.parse('2026-11-01T09:15:01Z') + i,
  action: i % 2 === 0 ? 'ALLOW' : 'BLOCK',
  httpRequest: { clientIp: `198.51.100.${i}`, country: 'NL', uri: '/', httpMethod: 'GET' },
});

const definition = (clientPath: string) =>
  parseSourceDefinition(
    {
      name: 'waf',
      raw: {
        key_pattern:
          '^(?:(?<prefix>.*?)/+)?(?<year>\\d{4})/(?<month>\\d{2})/(?<day>\\d{2})/(?<hour>\\d{2})/(?<stream>aws-waf-logs-[^/]+)-\\d+-.+$',
        partition_keys: ['year', 'month', 'day', 'hour'],
        priority: 10,
      },
      decode: { framing: 'ndjson' },
      readready: {
        time: { path: 'timestamp', format: 'epoch_millis' },
        columns: [
          { name: 'eventtime', type: 'timestamp', path: 'timestamp' },
          { name: 'action', type: 'string', path: 'action' },
          { name: 'clientip', type: 'string', path: clientPath },
        ],
      },
    },
    'waf.yaml',
  );

const ndjson = (n: number) =>
  gzipSync(Array.from({ length: n }, (_, i) => JSON.stringify(wafRecord(i))).join('\n'));

describe('sources test: a dry run on samples', () => {
  it('shows the owner, the other matches, partitions, rows, fill rates and the reconciliation', async () => {
    const report = await trySamples(
      definition('httpRequest.clientIp'),
      [{ file: 's1', key: WAF_KEY, bytes: ndjson(3) }],
      {
        others: await loadSources(),
        maxRows: 2,
      },
    );
    expect(report.samples[0]).toMatchObject({
      owner: 'waf',
      matchedBy: ['waf', 'cloudwatch'],
      matches: true,
      partition: { year: '2026', month: '11', day: '01', hour: '09' },
      counts: { eventsIn: 3, rows: 3 },
    });
    expect(report.rows).toEqual([
      expect.objectContaining({ action: 'ALLOW', clientip: '198.51.100.0', calendarday: '2026-11-01' }),
      expect.objectContaining({ action: 'BLOCK', clientip: '198.51.100.1' }),
    ]);
    expect(report.columns.map((c) => [c.name, c.filled, c.rows])).toEqual([
      ['eventtime', 3, 3],
      ['action', 3, 3],
      ['clientip', 3, 3],
    ]);
    expect(report.reconciled).toBe(true);
    expect(report.ok).toBe(true);
  });

  it('flags a wrong-case path: the column is empty everywhere, with the closest existing path', async () => {
    const report = await trySamples(definition('httpRequest.clientIP'), [
      { file: 's1', key: WAF_KEY, bytes: ndjson(2) },
    ]);
    const col = report.columns.find((c) => c.name === 'clientip');
    expect(col).toEqual({
      name: 'clientip',
      type: 'string',
      filled: 0,
      rows: 2,
      missingPaths: [{ path: 'httpRequest.clientIP', closest: 'httpRequest.clientIp' }],
    });
    expect(report.warnings).toEqual([
      'path httpRequest.clientIP never occurs in the samples (closest: httpRequest.clientIp)',
    ]);
    expect(report.ok).toBe(false);
  });

  it('reports a quarantined file and events with their reasons, and still reconciles', async () => {
    const def = definition('httpRequest.clientIp');
    const badTime = gzipSync(
      `${JSON.stringify(wafRecord(1))}\n${JSON.stringify({ ...wafRecord(2), timestamp: 'soon' })}`,
    );
    const report = await trySamples(def, [
      { file: 'good', key: WAF_KEY, bytes: badTime },
      { file: 'broken', key: WAF_KEY, bytes: Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]) },
      { file: 'notjson', key: WAF_KEY, bytes: Buffer.from('{"timestamp": 1}\nnot json\n') },
    ]);
    expect(report.samples.map((s) => s.quarantined?.reason)).toEqual([
      undefined,
      'corrupt_compression',
      undefined,
    ]);
    expect(report.samples[0]!.rejected).toEqual([{ index: 1, reason: 'bad_time' }]);
    // One bad NDJSON line is quarantined alone; the rest of its file is kept.
    expect(report.samples[2]!.rejected).toEqual([
      expect.objectContaining({ index: 1, reason: 'invalid_json' }),
    ]);
    expect(report.totals).toMatchObject({ eventsIn: 4, rows: 2, quarantined: 2 });
    expect(report.reconciled).toBe(true);
  });

  it('says why a sample is not the definition’s: another source wins, or nothing matches', async () => {
    const others = await loadSources();
    const lower = parseSourceDefinition({
      ...definitionInput(),
      raw: { ...definitionInput().raw, priority: -1 },
    });
    const r1 = await trySamples(lower, [{ file: 's', key: WAF_KEY, bytes: ndjson(1) }], { others });
    expect(r1.samples[0]).toMatchObject({ owner: 'cloudwatch', matches: false });
    expect(r1.samples[0]!.problem).toBe('cloudwatch wins this key (priority 0 over -1)');
    const r2 = await trySamples(lower, [{ file: 's', key: 'waf/elsewhere.gz', bytes: ndjson(1) }], {
      others,
    });
    expect(r2.samples[0]!.problem).toMatch(/^no definition matches the key/);
    expect(r2.ok).toBe(false);
  });

  it('CLI: exit 0 on the worked example, non-zero with the hint on a wrong-case path; keys from --key or the folder', async () => {
    const ok = await run('sources', 'test', join(EXAMPLES, 'waf.yaml'), join(EXAMPLES, 'samples', 'waf'));
    expect(ok.code).toBe(0);
    expect(ok.out).toContain('source     waf; matched by: waf, cloudwatch');
    expect(ok.out).toContain('partition  year=2026 month=11 day=01 hour=09');
    expect(ok.out).toMatch(/reconciliation: 2 events in = 2 rows \+ 0 skipped \+ 0 quarantined: reconciled/);

    const dir = await mkdtemp(join(tmpdir(), 'loglake-try-'));
    const wrong = join(dir, 'waf.yaml');
    const { readFile } = await import('node:fs/promises');
    await writeFile(
      wrong,
      (await readFile(join(EXAMPLES, 'waf.yaml'), 'utf8')).replace(
        'path: httpRequest.clientIp',
        'path: httpRequest.clientIP',
      ),
    );
    await mkdir(join(dir, 's'));
    const sample = await readFile(join(EXAMPLES, 'samples', 'waf', WAF_KEY));
    await writeFile(join(dir, 's', 'sample.gz'), gzipSync(sample));
    const bad = await run('sources', 'test', wrong, join(dir, 's', 'sample.gz'), '--key', WAF_KEY);
    expect(bad.code).toBe(1);
    expect(bad.out).toContain('closest existing path: httpRequest.clientIp');
    expect(bad.out).toContain('result: FAILED (empty in every row: clientip)');
    // Without --key the local path is the key, which is no WAF key.
    const nokey = await run('sources', 'test', join(EXAMPLES, 'waf.yaml'), join(dir, 's', 'sample.gz'));
    expect(nokey.code).toBe(1);
    expect(nokey.out).toContain('NO MATCH');
  });

  it('CLI: validate prints every problem of every file and a precedence conflict with the configured sources', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loglake-try-'));
    const { readFile } = await import('node:fs/promises');
    const noPriority = join(dir, 'waf.yaml');
    await writeFile(
      noPriority,
      (await readFile(join(EXAMPLES, 'waf.yaml'), 'utf8')).replace('  priority: 10\n', ''),
    );
    const broken = join(dir, 'broken.json');
    await writeFile(broken, JSON.stringify({ name: 'x', raw: {}, decode: {}, readready: {} }));
    const r = await run('sources', 'validate', noPriority, broken);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${broken}: raw.key_pattern:`);
    expect(r.err).toContain(`${broken}: decode.framing:`);
    expect(r.err).toContain('is matched by cloudwatch and waf at the same priority');
    const clean = await run('sources', 'validate', join(EXAMPLES, 'waf.yaml'));
    expect([clean.code, clean.err]).toEqual([0, '']);
    await writeFile(
      noPriority,
      (await readFile(join(EXAMPLES, 'waf.yaml'), 'utf8')).replace(/ {2}example_keys:\n.*\n/, ''),
    );
    const unchecked = await run('sources', 'validate', noPriority);
    expect(unchecked.code).toBe(0);
    expect(unchecked.err).toContain('warning: raw.example_keys: none given');
  });
});

function definitionInput() {
  return {
    name: 'waf',
    raw: {
      key_pattern:
        '^(?:(?<prefix>.*?)/+)?(?<year>\\d{4})/(?<month>\\d{2})/(?<day>\\d{2})/(?<hour>\\d{2})/(?<stream>aws-waf-logs-[^/]+)-\\d+-.+$',
      partition_keys: ['year', 'month', 'day', 'hour'],
    },
    decode: { framing: 'ndjson' },
    readready: {
      time: { path: 'timestamp', format: 'epoch_millis' },
      columns: [{ name: 'action', type: 'string', path: 'action' }],
    },
  };
}
