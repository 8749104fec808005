import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { classifyKey } from '../../addapart/classify.ts';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { SourceDefinitionError } from '../../lake/errors.ts';
import { applyOverrides, loadSources, parseSourceDefinition } from '../../sources/loader.ts';
import { matchSource, precedenceConflicts } from '../../sources/match.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { tempLake } from '../helpers/tempLake.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/sources/', import.meta.url));
const FIREHOSE = '^(?:(?<prefix>.*?)/+)?(?<year>\\d{4})/(?<month>\\d{2})/(?<day>\\d{2})/(?<hour>\\d{2})/';
const TAIL =
  '-\\d+-\\d{4}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-\\d{2}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';
const WAF_KEY =
  'waf/2026/11/01/09/aws-waf-logs-prod-1-2026-11-01-09-15-01-3f2e1d0c-9b8a-4766-8554-433221100ffe';
const CWL_KEY =
  'cloudwatch/sessionlogs/2026/11/01/08/loglake-sessionlogs-stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';

/** The WAF definition a team writes first: right, except that it says nothing about precedence. */
function wafDefinition(raw: Record<string, unknown> = {}) {
  return {
    name: 'waf',
    raw: {
      key_pattern: `${FIREHOSE}(?<stream>aws-waf-logs-[^/]+)${TAIL}`,
      partition_keys: ['year', 'month', 'day', 'hour'],
      example_keys: [WAF_KEY],
      ...raw,
    },
    decode: { framing: 'ndjson' },
    readready: {
      time: { path: 'timestamp', format: 'epoch_millis' },
      columns: [
        { name: 'eventtime', type: 'timestamp', path: 'timestamp' },
        { name: 'action', type: 'string', path: 'action' },
      ],
    },
  };
}

async function dirWith(files: Record<string, unknown>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'loglake-prec-'));
  for (const [name, value] of Object.entries(files)) await writeFile(join(dir, name), JSON.stringify(value));
  return dir;
}

describe('precedence between definitions', () => {
  it('reports a key two definitions claim at the same priority, at start-up, naming both and the way out', async () => {
    const dir = await dirWith({ 'waf.json': wafDefinition() });
    const err = await loadSources([dir]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceDefinitionError);
    expect((err as Error).message).toContain(`key ${WAF_KEY} (from waf) is matched by cloudwatch and waf`);
    expect((err as Error).message).toContain('raw.priority');
  });

  it('gives the key to the higher priority and lists the other matches', async () => {
    const dir = await dirWith({ 'waf.json': wafDefinition({ priority: 10 }) });
    const sources = await loadSources([dir]);
    const m = matchSource(WAF_KEY, sources);
    expect(m.kind === 'match' && [m.source.name, m.others.map((s) => s.name)]).toEqual([
      'waf',
      ['cloudwatch'],
    ]);
    expect(m.kind === 'match' && m.groups.stream).toBe('aws-waf-logs-prod');
    // The built-in keeps every other Firehose key.
    const cw = matchSource(CWL_KEY, sources);
    expect(cw.kind === 'match' && cw.source.name).toBe('cloudwatch');
  });

  it('narrows a built-in from configuration (key filters on a capture) instead of a priority', async () => {
    const dir = await dirWith({ 'waf.json': wafDefinition() });
    const sources = await loadSources([dir], {
      overrides: { cloudwatch: { key_filters: [{ capture: 'stream', not_matches: '^aws-waf-logs-' }] } },
    });
    expect(precedenceConflicts(sources)).toEqual([]);
    const waf = matchSource(WAF_KEY, sources);
    expect(waf.kind === 'match' && [waf.source.name, waf.others]).toEqual(['waf', []]);
    expect(matchSource(CWL_KEY, sources).kind).toBe('match');
  });

  it('rejects an override of a source that is not loaded', async () => {
    await expect(loadSources([], { overrides: { cloudwach: { priority: 1 } } })).rejects.toThrow(
      /sourceOverrides\.cloudwach: no source named cloudwach/,
    );
  });

  it('addapart skips a key claimed by two definitions as ambiguous_source rather than picking by load order', async () => {
    const builtins = await loadSources();
    const waf = parseSourceDefinition(wafDefinition({ example_keys: [] }), 'waf.json');
    const v = classifyKey([...builtins, waf], {}, 'raw', WAF_KEY);
    expect(v).toEqual({ kind: 'skip', reason: 'ambiguous_source', source: 'cloudwatch,waf' });
    const [cw] = applyOverrides(builtins, { cloudwatch: { priority: -1 } }).filter(
      (s) => s.name === 'cloudwatch',
    );
    const won = classifyKey([cw!, waf], {}, 'raw', WAF_KEY);
    expect(won.kind === 'accept' && [won.source.name, won.values]).toEqual([
      'waf',
      ['2026', '11', '01', '09'],
    ]);
  });

  it('a skip pattern loses to a definition of higher priority that claims the key', () => {
    const base = {
      decode: { framing: 'ndjson' },
      readready: {
        time: { path: 't', format: 'iso8601' },
        columns: [{ name: 'c', type: 'string', path: 'c' }],
      },
    };
    const a = parseSourceDefinition({
      ...base,
      name: 'a',
      raw: { key_pattern: '^a/(?<d>\\d+)/', skip_patterns: ['/health$'], partition_keys: ['d'] },
    });
    const b = parseSourceDefinition({
      ...base,
      name: 'b',
      raw: { key_pattern: '^a/(?<d>\\d+)/health$', partition_keys: ['d'], priority: 5 },
    });
    expect(matchSource('a/1/health', [a]).kind).toBe('skip');
    const m = matchSource('a/1/health', [a, b]);
    expect(m.kind === 'match' && m.source.name).toBe('b');
  });

  it('onboards a second Firehose-delivered source with one definition file: the WAF case, end to end', async () => {
    const t = await tempLake({ sourcesDirs: [EXAMPLES] });
    try {
      const record = { timestamp: Date.parse('2026-11-01T09:15:01.123Z'), action: 'BLOCK', httpRequest: {} };
      await t.lake.raw.put(WAF_KEY, gzipSync(`${JSON.stringify(record)}\n`));
      await drainQueue(t.lake);
      expect(await t.lake.catalog.listPartitions('loglake', 'from_cloudwatch_raw')).toEqual([]);
      const summary = await runTransform(t.lake);
      expect(summary.totals).toMatchObject({ eventsIn: 1, rows: 1, quarantined: 0 });
      expect(summary.runs.flatMap((r) => r.quarantinedFiles)).toEqual([]);
      expect(summary.runs.flatMap((r) => Object.keys(r.bySource))).toEqual(['waf']);
    } finally {
      await t.done();
    }
  });
});
