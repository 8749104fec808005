import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { applySources } from '../../lake/applySources.ts';
import { loadSourceFile, loadSources, parseSourceText } from '../../sources/loader.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { tempLake } from '../helpers/tempLake.ts';

const WAF = fileURLToPath(new URL('../../examples/sources/waf.yaml', import.meta.url));
const WAF_KEY =
  'waf/2026/11/01/09/aws-waf-logs-prod-1-2026-11-01-09-15-01-3f2e1d0c-9b8a-4766-8554-433221100ffe';

let t: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  t = await tempLake();
});
afterEach(async () => t.done());

describe('applySources: new definitions without a restart', () => {
  it('creates the new source’s tables, routes its keys, and skips unchanged tables', async () => {
    const { lake } = t;
    const waf = await loadSourceFile(WAF);
    const change = await applySources(lake, [...(await loadSources()), waf]);
    expect(change).toEqual({ ensured: ['loglake.from_waf_raw', 'loglake.from_waf_readready'], removed: [] });
    expect(
      (await lake.catalog.getTable('loglake', 'from_waf_readready'))?.columns.map((c) => c.name),
    ).toContain('clientip');
    await lake.raw.put(
      WAF_KEY,
      gzipSync(`${JSON.stringify({ timestamp: 1793524501123, action: 'ALLOW' })}\n`),
    );
    await drainQueue(lake);
    const summary = await runTransform(lake);
    expect(summary.runs.flatMap((r) => Object.keys(r.bySource))).toEqual(['waf']);
    expect((await applySources(lake, [...lake.sources])).ensured).toEqual([]);
  });

  it('updates the readready table when a column is added, and keeps a removed source’s tables', async () => {
    const { lake } = t;
    const waf = await loadSourceFile(WAF);
    await applySources(lake, [...(await loadSources()), waf]);
    // The team adds a column at the end of its definition file.
    const text = `${await readFile(WAF, 'utf8')}    - { name: ja3, type: string, path: ja3Fingerprint }\n`;
    const wider = parseSourceText(text, 'waf.yaml');
    const change = await applySources(lake, [...(await loadSources()), wider]);
    expect(change.ensured).toEqual(['loglake.from_waf_readready']);
    const cols = (await lake.catalog.getTable('loglake', 'from_waf_readready'))?.columns.map((c) => c.name);
    expect(cols?.slice(-2)).toEqual(['ja3', 'source_key']);
    const back = await applySources(lake, await loadSources());
    expect(back).toEqual({ ensured: [], removed: ['waf'] });
    expect(await lake.catalog.getTable('loglake', 'from_waf_readready')).toBeDefined();
  });

  it('refuses a set of definitions with a precedence conflict and keeps the old one', async () => {
    const { lake } = t;
    const waf = await loadSourceFile(WAF);
    const tied = { ...waf, raw: { ...waf.raw, priority: 0 } };
    const before = lake.sources;
    await expect(applySources(lake, [...(await loadSources()), tied])).rejects.toThrow(/same priority/);
    expect(lake.sources).toBe(before);
  });
});
