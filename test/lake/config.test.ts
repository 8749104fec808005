import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../lake/config.ts';
import { ConfigError } from '../../lake/errors.ts';

const AWS_ENV = {
  LOGLAKE_MODE: 'aws',
  AWS_REGION: 'eu-west-1',
  LOGLAKE_RAW_BUCKET: 'corp-raw',
  LOGLAKE_READREADY_BUCKET: 'corp-readready',
  LOGLAKE_QUARANTINE_BUCKET: 'corp-quarantine',
  LOGLAKE_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/111122223333/loglake-notifications',
};

describe('loadConfig', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'loglake-config-'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('defaults to the embedded mode with no file and no environment', () => {
    const c = loadConfig({ env: {}, cwd: dir });
    expect(c.mode).toBe('embedded');
    expect(c.embedded.dir).toBe('.loglake');
    expect(c.transform).toMatchObject({ maxFiles: 1000, workers: 1 });
    expect(c.aws).toBeUndefined();
  });

  it('ignores AWS variables of the shell in embedded mode', () => {
    const c = loadConfig({ env: { AWS_REGION: 'eu-west-1', LOGLAKE_RAW_BUCKET: 'x-raw' }, cwd: dir });
    expect(c.mode).toBe('embedded');
    expect(c.aws).toBeUndefined();
  });

  it('builds the AWS settings from the environment, with the endpoint override', () => {
    const c = loadConfig({ env: { ...AWS_ENV, LOGLAKE_ENDPOINT: 'http://127.0.0.1:5000' }, cwd: dir });
    expect(c.aws).toMatchObject({
      region: 'eu-west-1',
      endpoint: 'http://127.0.0.1:5000',
      buckets: { raw: 'corp-raw', readready: 'corp-readready', quarantine: 'corp-quarantine' },
      queues: { notifications: AWS_ENV.LOGLAKE_QUEUE_URL },
      athena: { workgroup: 'primary' },
      controlPrefix: '_loglake/',
    });
  });

  it('reads the live configuration location and cache TTL from the environment', () => {
    const c = loadConfig({
      env: {
        ...AWS_ENV,
        LOGLAKE_LIVE_CONFIG_URI: 's3://corp-config/loglake/live.json',
        LOGLAKE_LIVE_CONFIG_TTL_SECONDS: '30',
      },
      cwd: dir,
    });
    expect(c.aws?.liveConfigUri).toBe('s3://corp-config/loglake/live.json');
    expect(c.liveConfig.ttlSeconds).toBe(30);
    expect(() =>
      loadConfig({ env: { ...AWS_ENV, LOGLAKE_LIVE_CONFIG_URI: 'corp-config/live.json' }, cwd: dir }),
    ).toThrow(/aws\.liveConfigUri \(env LOGLAKE_LIVE_CONFIG_URI\): must be s3:\/\/<bucket>\/<key>/);
    expect(loadConfig({ env: {}, cwd: dir }).liveConfig.ttlSeconds).toBe(60);
  });

  it('names a missing setting and the variable that sets it', () => {
    const { LOGLAKE_READREADY_BUCKET: _, ...env } = AWS_ENV;
    expect(() => loadConfig({ env, cwd: dir })).toThrow(
      /^missing setting aws\.buckets\.readready \(env LOGLAKE_READREADY_BUCKET\)/,
    );
    expect(() => loadConfig({ env: { LOGLAKE_MODE: 'aws' }, cwd: dir })).toThrow(/^missing setting aws/);
  });

  it('names an invalid setting', () => {
    let caught: unknown;
    try {
      loadConfig({ env: { ...AWS_ENV, LOGLAKE_QUEUE_URL: 'not a url' }, cwd: dir });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).message).toMatch(
      /^invalid setting aws\.queues\.notifications \(env LOGLAKE_QUEUE_URL\)/,
    );
    expect((caught as ConfigError).context).toMatchObject({ setting: 'aws.queues.notifications' });
  });

  it('reads loglake.config.json, and the environment beats the file', async () => {
    const file = join(dir, 'loglake.config.json');
    await writeFile(
      file,
      JSON.stringify({
        database: 'audit',
        transform: { workers: 2 },
        filter: { accounts: { deny: ['123456789012'] } },
      }),
    );
    const c = loadConfig({ env: { LOGLAKE_DATABASE: 'audit_env' }, cwd: dir });
    expect(c.database).toBe('audit_env');
    expect(c.transform.workers).toBe(2);
    expect(c.filter.accounts?.deny).toEqual(['123456789012']);
  });

  it('rejects an unknown key and a file that is not JSON, naming the file', async () => {
    const typo = join(dir, 'typo.json');
    await writeFile(typo, JSON.stringify({ mdoe: 'aws' }));
    expect(() => loadConfig({ file: typo, env: {} })).toThrow(/invalid setting/);
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{ "mode": ');
    expect(() => loadConfig({ file: broken, env: {} })).toThrow(`${broken}: not valid JSON`);
  });
});

describe('source buckets in the configuration', () => {
  const base = {
    mode: 'aws',
    aws: {
      region: 'eu-west-1',
      buckets: { raw: 'corp-raw', readready: 'corp-readready', quarantine: 'corp-quarantine' },
      queues: { notifications: 'https://sqs.eu-west-1.amazonaws.com/111122223333/n' },
    },
  };
  const withBuckets = (sourceBuckets: unknown[]) =>
    loadConfig({
      env: {},
      cwd: '/nonexistent',
      overrides: { ...base, aws: { ...base.aws, sourceBuckets } } as never,
    });

  it('takes buckets with an owner, expected sources and a read role', () => {
    const c = withBuckets([
      { bucket: 'org-trail', expectedOwner: '444455556666', sources: ['cloudtrail'] },
      {
        bucket: 'firehose',
        expectedOwner: '777788889999',
        readRoleArn: 'arn:aws:iam::777788889999:role/read',
      },
    ]);
    expect(c.aws?.sourceBuckets.map((b) => b.bucket)).toEqual(['org-trail', 'firehose']);
  });

  it.each([
    [[{ bucket: 'x-bucket', expectedOwner: '1234' }], /aws\.sourceBuckets\.0\.expectedOwner/],
    [[{ bucket: 'x-bucket' }], /aws\.sourceBuckets\.0\.expectedOwner/],
    [[{ bucket: 'x-bucket', expectedOwner: '444455556666', readRoleArn: 'role/read' }], /readRoleArn/],
    [
      [
        { bucket: 'x-bucket', expectedOwner: '444455556666' },
        { bucket: 'x-bucket', expectedOwner: '444455556666' },
      ],
      /listed twice/,
    ],
  ])('refuses %j with a message naming the setting', (buckets, message) => {
    expect(() => withBuckets(buckets)).toThrow(message);
  });
});

describe('source buckets from the environment', () => {
  it('reads LOGLAKE_SOURCE_BUCKETS as JSON, and names the variable when it is not', () => {
    const buckets = [{ bucket: 'org-trail', expectedOwner: '444455556666' }];
    const c = loadConfig({
      env: {
        ...AWS_ENV,
        LOGLAKE_SOURCE_BUCKETS: JSON.stringify(buckets),
        LOGLAKE_RAW_BUCKET_OWNER: '111122223333',
      },
      cwd: '/nonexistent',
    });
    expect(c.aws?.sourceBuckets).toEqual(buckets);
    expect(c.aws?.buckets.expectedOwner).toBe('111122223333');
    expect(() =>
      loadConfig({ env: { ...AWS_ENV, LOGLAKE_SOURCE_BUCKETS: '[oops' }, cwd: '/nonexistent' }),
    ).toThrow(/LOGLAKE_SOURCE_BUCKETS.*not valid JSON/);
  });
});

describe('transform lanes from the environment', () => {
  it('reads LOGLAKE_TRANSFORM_WORKERS as a number, and names the variable when it is not one', () => {
    const c = loadConfig({ env: { ...AWS_ENV, LOGLAKE_TRANSFORM_WORKERS: '2' }, cwd: '/nonexistent' });
    expect(c.transform.workers).toBe(2);
    expect(loadConfig({ env: AWS_ENV, cwd: '/nonexistent' }).transform.workers).toBe(1);
    expect(() =>
      loadConfig({ env: { ...AWS_ENV, LOGLAKE_TRANSFORM_WORKERS: '0' }, cwd: '/nonexistent' }),
    ).toThrow(/LOGLAKE_TRANSFORM_WORKERS/);
    expect(() =>
      loadConfig({ env: { ...AWS_ENV, LOGLAKE_TRANSFORM_WORKERS: 'two' }, cwd: '/nonexistent' }),
    ).toThrow(/LOGLAKE_TRANSFORM_WORKERS/);
  });
});
