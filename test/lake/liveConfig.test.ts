import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { main } from '../../cli/main.ts';
import { ConfigError } from '../../lake/errors.ts';
import type { Lake } from '../../lake/lake.ts';
import { LIVE_CONFIG_KEY, LiveConfigStore } from '../../lake/liveConfig.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { fixtureText } from '../helpers/fixtures.ts';
import { reopenLake, tempLake } from '../helpers/tempLake.ts';

const ACCOUNT = '111122223333';
const ctKey = (n: number, account = ACCOUNT) =>
  `AWSLogs/${account}/CloudTrail/eu-west-1/2026/11/01/${account}_CloudTrail_eu-west-1_20261101T08${String(n).padStart(2, '0')}Z_File${n}.json.gz`;
const body = gzipSync(fixtureText('cloudtrail/session-records.json'));
const bedrockDefinition = async () =>
  parseYaml(
    await readFile(fileURLToPath(new URL('../../examples/sources/bedrock.yaml', import.meta.url)), 'utf8'),
  );

let t: Awaited<ReturnType<typeof tempLake>>;
let lake: Lake;
let clock: number;
let warnings: string[];
beforeEach(async () => {
  t = await tempLake();
  lake = t.lake;
  clock = Date.UTC(2026, 10, 1, 9);
  warnings = [];
  // The lake's own store and key, with a clock the test moves.
  lake.live = new LiveConfigStore(lake.control, LIVE_CONFIG_KEY, lake.live.base, {
    ttlSeconds: 60,
    now: () => clock,
    warn: (m) => warnings.push(m),
  });
});
afterEach(async () => t.done());

describe('live configuration', () => {
  it('stops an account within the cache TTL, without a restart or deploy', async () => {
    // prepare: the account flows
    await lake.raw.put(ctKey(1), body);
    const before = await drainQueue(lake);
    // act: an operator (another process) pulls the emergency lever; landings inside and after the TTL
    const operator = new LiveConfigStore(lake.control, LIVE_CONFIG_KEY, lake.live.base);
    await operator.publish({ filter: { accounts: { deny: [ACCOUNT] } } });
    await lake.raw.put(ctKey(2), body);
    const withinTtl = await drainQueue(lake);
    clock += 61_000;
    await lake.raw.put(ctKey(3), body);
    await lake.raw.put(ctKey(4, '444455556666'), body);
    const afterTtl = await drainQueue(lake);
    // assess
    expect(before.accepted).toBe(1);
    expect(withinTtl.accepted).toBe(1);
    expect(afterTtl.accepted).toBe(1);
    expect(afterTtl.skipped).toEqual({ account_not_allowed: 1 });
    expect(await lake.ledger.counts()).toMatchObject({ pending: 3 });
  });

  it('refuses an invalid change before it takes effect, and keeps the version', async () => {
    // prepare
    const first = await lake.live.publish({ filter: { accounts: { deny: ['999988887777'] } } });
    // act
    const typo = lake.live.publish({ filter: { accounts: { deny: ['99998888777'] } } });
    const unknownKey = lake.live.publish({ filter: { acounts: { deny: [ACCOUNT] } } });
    const badSource = lake.live.publish({ sources: [{ name: 'x' }] });
    // assess
    await expect(typo).rejects.toThrow(/filter\.accounts\.deny\.0: an account id is 12 digits/);
    await expect(unknownKey).rejects.toBeInstanceOf(ConfigError);
    await expect(badSource).rejects.toThrow(/sources\.0/);
    const live = await lake.live.read();
    expect(first.version).toBe(1);
    expect(live?.version).toBe(1);
    expect(live?.document.filter).toEqual({ accounts: { deny: ['999988887777'] } });
  });

  it('keeps the last good document when the object is edited around `config push`', async () => {
    // prepare
    await lake.live.publish({ filter: { accounts: { deny: ['999988887777'] } } });
    await lake.live.current();
    await lake.control.put(LIVE_CONFIG_KEY, '{"filter": {"accounts": {"deny": ["nope"]}}}');
    clock += 61_000;
    // act
    const current = await lake.live.current();
    // assess
    expect(current?.version).toBe(1);
    expect(warnings).toEqual(['live config refused; keeping the last good one']);
  });

  it('onboards a source from the live document alone: tables, addapart and transform', async () => {
    // prepare
    const key =
      'bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/eu-west-1/2026/11/01/09/20261101T091501123Z_0a1b2c3d4e5f6a7b.json.gz';
    const record = {
      schemaType: 'ModelInvocationLog',
      timestamp: '2026-11-01T09:15:01Z',
      accountId: ACCOUNT,
      operation: 'InvokeModel',
      modelId: 'amazon.titan-text-express-v1',
    };
    // act
    await lake.live.publish({ sources: [await bedrockDefinition()] });
    clock += 61_000;
    await lake.raw.put(key, gzipSync(JSON.stringify(record)));
    const add = await drainQueue(lake);
    const run = await runTransform(lake);
    // assess
    expect(add.accepted).toBe(1);
    expect(lake.sources.map((s) => s.name)).toEqual(['cloudtrail', 'cloudwatch', 'bedrock']);
    expect(run.totals.rows).toBe(1);
    const engine = await lake.openQueryEngine();
    try {
      const rows = (await engine.query('SELECT operation, source_key FROM from_bedrock_readready')).rows;
      expect(rows).toEqual([{ operation: 'InvokeModel', source_key: key }]);
    } finally {
      await engine.close();
    }
  });

  it('is pushed and shown by the CLI, and read by a lake opened later', async () => {
    // prepare
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), isTTY: false };
    const good = join(t.dir, 'live.json');
    const bad = join(t.dir, 'bad.json');
    await writeFile(good, JSON.stringify({ filter: { regions: { allow: ['eu-west-1'] } } }));
    await writeFile(bad, JSON.stringify({ filter: { regions: { allow: ['Europe'] } } }));
    await lake.close();
    // act
    const pushed = await main(['config', 'push', good, '--dir', t.dir], io);
    const refused = await main(['config', 'push', bad, '--dir', t.dir], io);
    const shown = await main(['config', 'show', '--dir', t.dir], io);
    lake = await reopenLake(t.dir);
    // assess
    expect([pushed, refused, shown]).toEqual([0, 1, 0]);
    expect(out[0]).toMatch(/^published live config version 1 to .*config\/live\.json/);
    expect(err).toEqual([
      expect.stringMatching(/^loglake config: .*filter\.regions\.allow\.0: a region looks like eu-west-1/),
    ]);
    expect(out[1]).toMatch(/version 1, published 20\d\d-/);
    expect(lake.filter.regions).toEqual({ allow: ['eu-west-1'] });
  });
});
