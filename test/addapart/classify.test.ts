import { beforeAll, describe, expect, it } from 'vitest';
import { classifyKey } from '../../addapart/classify.ts';
import type { FileFilterConfig } from '../../lake/config.ts';
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

describe('classifyKey: every key shape is its own location (13.1)', () => {
  const day = '2026/11/01';
  const file = (acct: string) => `${acct}_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz`;
  const shapes = {
    org: `AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/${day}/${file('111122223333')}`,
    single: `AWSLogs/111122223333/CloudTrail/eu-west-1/${day}/${file('111122223333')}`,
    prefixedOrg: `trail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/${day}/${file('111122223333')}`,
    prefixedSingle: `trail/AWSLogs/111122223333/CloudTrail/eu-west-1/${day}/${file('111122223333')}`,
    doubled: `trail//AWSLogs/111122223333/CloudTrail/eu-west-1/${day}/${file('111122223333')}`,
  };

  it('gives the same account, region and day but a distinct loc per folder and per bucket', () => {
    const locs = new Set<string>();
    for (const [shape, key] of Object.entries(shapes)) {
      for (const bucket of ['raw', 'org-trail-bucket']) {
        const v = classifyKey(sources, none, bucket, key);
        expect(v.kind, shape).toBe('accept');
        if (v.kind !== 'accept') continue;
        expect(v.values).toEqual(['111122223333', 'eu-west-1', '2026', '11', '01']);
        expect(v.loc).toMatch(/^[0-9a-f]{12}$/);
        locs.add(v.loc);
      }
    }
    expect(locs.size).toBe(Object.keys(shapes).length * 2);
  });

  it('gives the same loc for every file of one folder', () => {
    const a = classifyKey(sources, none, 'raw', shapes.org);
    const b = classifyKey(sources, none, 'raw', shapes.org.replace('AbCdEfGh12345678', 'ZzZzZzZz00000000'));
    expect(a.kind === 'accept' && b.kind === 'accept' && a.loc === b.loc).toBe(true);
  });
});

describe('classifyKey: keys that match no pattern are visible (13.2)', () => {
  it('takes the region from the file name when the folder spells it otherwise', () => {
    const key =
      'AWSLogs/111122223333/CloudTrail/us_east_1/2026/11/01/111122223333_CloudTrail_us-east-1_20261101T0820Z_AbCdEfGh12345678.json.gz';
    const v = classifyKey(sources, none, 'raw', key);
    expect(v.kind === 'accept' && v.values).toEqual(['111122223333', 'us-east-1', '2026', '11', '01']);
    expect(classifyKey(sources, { regions: { deny: ['us-east-1'] } }, 'raw', key)).toMatchObject({
      kind: 'skip',
      reason: 'region_not_allowed',
    });
  });

  it.each([
    'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/01/notes.txt',
    'AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/111122223333_CloudTrail_us-east-1_20261101T0820Z_AbCdEfGh12345678.json.gz',
    'x/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/us-east-1/26/11/01/111122223333_CloudTrail_us-east-1_20261101T0820Z_A.json.gz',
  ])('quarantines %s, under a trail folder but off the pattern, with the reason', (key) => {
    expect(classifyKey(sources, none, 'raw', key)).toMatchObject({
      kind: 'quarantine',
      reason: 'key_pattern_mismatch',
      source: 'cloudtrail',
    });
  });
});

describe('classifyKey: source buckets (8.1)', () => {
  const buckets = new Map<string, readonly string[] | undefined>([
    ['raw', undefined],
    ['org-trail-bucket', ['cloudtrail']],
  ]);

  it('skips a notification from a bucket that is not configured, by name', () => {
    expect(classifyKey(sources, { buckets }, 'someone-elses-bucket', ORG)).toEqual({
      kind: 'skip',
      reason: 'bucket_not_configured',
    });
  });

  it('accepts only the sources expected in a bucket', () => {
    expect(classifyKey(sources, { buckets }, 'org-trail-bucket', ORG).kind).toBe('accept');
    expect(classifyKey(sources, { buckets }, 'org-trail-bucket', FIREHOSE)).toEqual({
      kind: 'skip',
      reason: 'source_not_expected_in_bucket',
      source: 'cloudwatch',
    });
    expect(classifyKey(sources, { buckets }, 'raw', FIREHOSE).kind).toBe('accept');
  });
});
