import { beforeAll, describe, expect, it } from 'vitest';
import { classifyKey } from '../../addapart/classify.ts';
import type { FileFilterConfig } from '../../addapart/filter.ts';
import { loadSources, type SourceDefinition } from '../../sources/loader.ts';

let sources: SourceDefinition[];
beforeAll(async () => {
  sources = await loadSources();
});

const ORG =
  'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz';
const SINGLE =
  'AWSLogs/444455556666/CloudTrail/us-east-1/2026/11/02/444455556666_CloudTrail_us-east-1_20261102T2355Z_zYxWvUtS98765432.json.gz';
const DOUBLE =
  'cloudtrail//AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0905Z_QwErTyUi12345678.json.gz';
const FIREHOSE =
  'cloudwatch/sessionlogs/2026/11/01/08/loglake-sessionlogs-stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const none: FileFilterConfig = {};

describe('classifyKey: key parsing', () => {
  it('parses an organization trail key', () => {
    const v = classifyKey(sources, none, 'raw', ORG);
    expect(v.kind).toBe('accept');
    if (v.kind !== 'accept') return;
    expect(v.source.name).toBe('cloudtrail');
    expect(v.values).toEqual(['111122223333', 'eu-west-1', '2026', '11', '01']);
    expect(v.partitionPrefix).toBe(
      'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/01/',
    );
  });

  it('parses a single-account trail key without a prefix', () => {
    const v = classifyKey(sources, none, 'raw', SINGLE);
    expect(v.kind === 'accept' && v.values).toEqual(['444455556666', 'us-east-1', '2026', '11', '02']);
  });

  it('parses a key with a doubled slash and keeps it in the partition location', () => {
    const v = classifyKey(sources, none, 'raw', DOUBLE);
    expect(v.kind).toBe('accept');
    if (v.kind !== 'accept') return;
    expect(v.values).toEqual(['111122223333', 'eu-west-1', '2026', '11', '01']);
    expect(v.partitionPrefix.startsWith('cloudtrail//AWSLogs/')).toBe(true);
  });

  it('parses a Firehose key with no suffix', () => {
    const v = classifyKey(sources, none, 'raw', FIREHOSE);
    expect(v.kind === 'accept' && v.source.name).toBe('cloudwatch');
    expect(v.kind === 'accept' && v.values).toEqual(['2026', '11', '01', '08']);
  });

  it.each([
    'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Digest/eu-west-1/2026/11/01/111122223333_CloudTrail-Digest_eu-west-1_org-trail_eu-west-1_20261101T082011Z.json.gz',
    'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail-Insight/eu-west-1/2026/11/01/111122223333_CloudTrail-Insight_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz',
    'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/ConfigWritabilityCheckFile',
  ])('skips %s as a source skip, not an error', (key) => {
    expect(classifyKey(sources, none, 'raw', key)).toEqual({
      kind: 'skip',
      reason: 'source_skip',
      source: 'cloudtrail',
    });
  });

  it('skips keys no source recognises', () => {
    expect(classifyKey(sources, none, 'raw', 'random/file.txt')).toEqual({
      kind: 'skip',
      reason: 'no_source',
    });
    expect(
      classifyKey(sources, none, 'raw', 'AWSLogs/12345/CloudTrail/eu-west-1/2026/11/01/x.json.gz').kind,
    ).toBe('skip');
  });
});

describe('classifyKey: the central filter', () => {
  it('denies and allows accounts', () => {
    expect(classifyKey(sources, { accounts: { deny: ['111122223333'] } }, 'raw', ORG)).toMatchObject({
      reason: 'account_not_allowed',
    });
    expect(classifyKey(sources, { accounts: { allow: ['444455556666'] } }, 'raw', ORG)).toMatchObject({
      reason: 'account_not_allowed',
    });
    expect(classifyKey(sources, { accounts: { allow: ['111122223333'] } }, 'raw', ORG).kind).toBe('accept');
  });

  it('denies and allows regions', () => {
    expect(classifyKey(sources, { regions: { allow: ['us-east-1'] } }, 'raw', ORG)).toMatchObject({
      reason: 'region_not_allowed',
    });
    expect(classifyKey(sources, { regions: { deny: ['us-east-1'] } }, 'raw', SINGLE)).toMatchObject({
      reason: 'region_not_allowed',
    });
  });

  it('filters by key prefix; deny wins over allow', () => {
    const f: FileFilterConfig = {
      prefixes: { allow: ['cloudtrail/', 'cloudwatch/'], deny: ['cloudwatch/sessionlogs/2026/11/01/08/'] },
    };
    expect(classifyKey(sources, f, 'raw', ORG).kind).toBe('accept');
    expect(classifyKey(sources, f, 'raw', SINGLE)).toMatchObject({ reason: 'prefix_not_allowed' });
    expect(classifyKey(sources, f, 'raw', FIREHOSE)).toMatchObject({ reason: 'prefix_not_allowed' });
  });

  it('applies account filters only to sources whose keys carry an account', () => {
    expect(classifyKey(sources, { accounts: { allow: ['999999999999'] } }, 'raw', FIREHOSE).kind).toBe(
      'accept',
    );
  });

  it('never registers keys under the readready or quarantine locations (recursion guard)', () => {
    const f: FileFilterConfig = {
      guard: [
        { bucket: 'lake', prefix: 'readready/' },
        { bucket: 'quarantine', prefix: '' },
      ],
    };
    expect(classifyKey(sources, f, 'lake', `readready/${ORG}`)).toEqual({
      kind: 'skip',
      reason: 'recursion_guard',
    });
    expect(classifyKey(sources, f, 'quarantine', ORG)).toEqual({ kind: 'skip', reason: 'recursion_guard' });
    expect(classifyKey(sources, f, 'lake', ORG).kind).toBe('accept');
  });
});
