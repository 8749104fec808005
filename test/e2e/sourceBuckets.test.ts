/**
 * Embedded end to end over every CloudTrail and Firehose key shape of DESIGN §5 on the same day,
 * in loglake's raw folder and in a second folder standing in for another account's bucket: each
 * landed file lies under exactly one registered raw partition location, off-pattern keys are
 * quarantined and listed, the other bucket is never written to, and a denied account's rows are
 * skipped at transform (its Firehose keys carry no account) with the run still reconciled.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { main } from '../../cli/main.ts';
import { configSchema, type LoglakeConfig } from '../../lake/config.ts';
import { LocalObjectStore } from '../../lake/embedded/localObjectStore.ts';
import type { Lake } from '../../lake/lake.ts';
import { openLake } from '../../lake/openLake.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { dataMessage } from '../helpers/firehose.ts';

const ACCT = '111122223333';
const DENIED = '999988887777';
const OTHER = 'org-trail-bucket';
const file = (acct: string, region: string, n: number) =>
  `${acct}_CloudTrail_${region}_20261101T08${String(n).padStart(2, '0')}Z_AbCdEfGh1234567${n}.json.gz`;
const day = '2026/11/01';

/** The same account and day under every CloudTrail key shape, and a region folder spelt `us_east_1`. */
const TRAIL_KEYS = [
  `AWSLogs/o-a1b2c3d4e5/${ACCT}/CloudTrail/eu-west-1/${day}/${file(ACCT, 'eu-west-1', 1)}`,
  `AWSLogs/${ACCT}/CloudTrail/eu-west-1/${day}/${file(ACCT, 'eu-west-1', 2)}`,
  `trail/AWSLogs/o-a1b2c3d4e5/${ACCT}/CloudTrail/eu-west-1/${day}/${file(ACCT, 'eu-west-1', 3)}`,
  `trail/AWSLogs/${ACCT}/CloudTrail/eu-west-1/${day}/${file(ACCT, 'eu-west-1', 4)}`,
  `trail//AWSLogs/${ACCT}/CloudTrail/eu-west-1/${day}/${file(ACCT, 'eu-west-1', 5)}`,
  `AWSLogs/${ACCT}/CloudTrail/us_east_1/${day}/${file(ACCT, 'us-east-1', 6)}`,
];
/** Firehose keys of the same hour, with and without a prefix. */
const FIREHOSE_KEYS = [
  `${day}/08/ssm-stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
  `cw/${day}/08/ssm-stream-1-2026-11-01-08-16-02-1f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`,
];
/** In the raw folder: off the pattern, under a trail's folder (quarantined). */
const OFF_PATTERN = `AWSLogs/${ACCT}/CloudTrail/eu-west-1/${day}/notes.json.gz`;

/** Two CloudTrail records: one for ACCT, one delivered for the denied account. */
function trailFile(region: string, n: number): Buffer {
  const record = (acct: string, i: number) => ({
    eventVersion: '1.09',
    eventTime: `2026-11-01T08:${String(n).padStart(2, '0')}:0${i}Z`,
    eventSource: 'ec2.amazonaws.com',
    eventName: 'DescribeInstances',
    awsRegion: region,
    recipientAccountId: acct,
    eventID: `00000000-0000-4000-8000-${String(n * 10 + i).padStart(12, '0')}`,
    readOnly: true,
  });
  return gzipSync(JSON.stringify({ Records: [record(ACCT, 1), record(DENIED, 2)] }));
}

/** Two envelopes back to back: three log events of ACCT, two of the denied account. */
function firehoseFile(n: number): Buffer {
  const events = (owner: string, count: number) =>
    dataMessage({
      owner,
      logGroup: '/app/web',
      logStream: `stream-${owner}`,
      events: Array.from({ length: count }, (_, i) => ({
        id: `${n}${owner}${i}`,
        timestamp: Date.UTC(2026, 10, 1, 8, n, i),
        message: `line ${i}`,
      })),
    });
  return gzipSync(events(ACCT, 3) + events(DENIED, 2));
}

function snsWrapped(bucket: string, key: string, size: number): string {
  const inner = {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        eventName: 'ObjectCreated:Put',
        s3: { bucket: { name: bucket }, object: { key: encodeURIComponent(key).replace(/%2F/g, '/'), size } },
      },
    ],
  };
  return JSON.stringify({
    Type: 'Notification',
    TopicArn: 'arn:aws:sns:eu-west-1:444455556666:trail',
    Message: JSON.stringify(inner),
  });
}

function eventBridge(bucket: string, key: string, size: number): string {
  return JSON.stringify({
    version: '0',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '444455556666',
    time: '2026-11-01T08:20:00Z',
    region: 'eu-west-1',
    detail: { bucket: { name: bucket }, object: { key, size } },
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

let work: string;
let otherDir: string;
let config: LoglakeConfig;
let lake: Lake;
beforeEach(async () => {
  work = await mkdtemp(join(tmpdir(), 'loglake-buckets-'));
  otherDir = join(work, OTHER);
  config = configSchema.parse({
    mode: 'embedded',
    embedded: {
      dir: join(work, 'lake'),
      sourceBuckets: [{ bucket: OTHER, dir: otherDir, sources: ['cloudtrail'] }],
    },
    filter: { accounts: { deny: [DENIED] } },
  });
  lake = await openLake(config);
});
afterEach(async () => {
  await lake.close();
  await rm(work, { recursive: true, force: true });
});

/** Lands every shape: raw-folder files by the notifying store, other-bucket files by SNS and EventBridge. */
async function landAll(): Promise<{ raw: string[]; other: string[] }> {
  const raw: string[] = [];
  for (const [i, key] of TRAIL_KEYS.entries()) {
    await lake.raw.put(key, trailFile(key.includes('us_east_1') ? 'us-east-1' : 'eu-west-1', i + 1));
    raw.push(key);
  }
  for (const [i, key] of FIREHOSE_KEYS.entries()) {
    await lake.raw.put(key, firehoseFile(i + 1));
    raw.push(key);
  }
  await lake.raw.put(OFF_PATTERN, trailFile('eu-west-1', 9));
  const other: string[] = [];
  const bodies: string[] = [];
  // The other account's trail writes its own files (the test plays that account).
  const otherAccount = new LocalObjectStore(otherDir);
  for (const [i, shape] of TRAIL_KEYS.slice(0, 5).entries()) {
    const key = shape.replace('AbCdEfGh', 'OtHeRbKt');
    const bytes = trailFile('eu-west-1', 20 + i);
    await otherAccount.put(key, bytes);
    bodies.push(i % 2 === 0 ? snsWrapped(OTHER, key, bytes.length) : eventBridge(OTHER, key, bytes.length));
    other.push(key);
  }
  // A Firehose key in a bucket that expects CloudTrail only, and a bucket nobody configured.
  bodies.push(
    eventBridge(OTHER, FIREHOSE_KEYS[0]!, 10),
    eventBridge('someone-elses-bucket', TRAIL_KEYS[0]!, 10),
  );
  await lake.queue.send(bodies);
  return { raw, other };
}

describe('source buckets and raw partition identity, embedded', () => {
  it.each(['duckdb', 'js'] as const)(
    'registers one partition per folder and bucket, reads every file from its own bucket (%s engine)',
    async (engine) => {
      const landed = await landAll();
      const otherBefore = await filesUnder(otherDir);
      const stats = await drainQueue(lake);
      expect(stats.failedMessages).toBe(0);
      expect(stats.accepted).toBe(landed.raw.length + landed.other.length);
      expect(stats.quarantined).toEqual({ key_pattern_mismatch: 1 });
      expect(stats.skipped).toEqual({ source_not_expected_in_bucket: 1, bucket_not_configured: 1 });
      expect(stats.notices).toBe(stats.accepted + 1 + 2);

      // Every landed file lies under exactly one registered location; no two partitions share one.
      const folderOf = (k: string) => k.slice(0, k.lastIndexOf('/') + 1);
      const expectedLocations = new Set([
        ...landed.raw.map((k) => lake.raw.uri(folderOf(k))),
        ...landed.other.map((k) => lake.sourceStores.get(OTHER)!.store.uri(folderOf(k))),
      ]);
      const parts = [
        ...(await lake.catalog.listPartitions('loglake', 'from_cloudtrail_raw')),
        ...(await lake.catalog.listPartitions('loglake', 'from_cloudwatch_raw')),
      ];
      const locations = parts.map((p) => p.location);
      expect(new Set(locations).size).toBe(locations.length);
      expect(new Set(locations)).toEqual(expectedLocations);
      const usEast = parts.find((p) => p.location.includes('/us_east_1/'));
      expect(usEast?.values.slice(0, 5)).toEqual([ACCT, 'us-east-1', '2026', '11', '01']);

      const summary = await runTransform(lake, { engine });
      expect(summary.runs.flatMap((r) => r.quarantinedFiles)).toEqual([]);
      expect(summary.reconciled).toBe(true);
      const trails = TRAIL_KEYS.length + landed.other.length;
      expect(summary.totals.filesQuarantined).toBe(0);
      expect(summary.totals.eventsIn).toBe(trails * 2 + FIREHOSE_KEYS.length * 5);
      expect(summary.totals.rows).toBe(trails + FIREHOSE_KEYS.length * 3);
      expect(summary.totals.skipped).toEqual({ filtered_account: trails + FIREHOSE_KEYS.length * 2 });

      const q = await lake.openQueryEngine();
      try {
        const ct = await q.query(
          'SELECT recipientaccountid AS a, count(*)::INTEGER AS n FROM from_cloudtrail_readready GROUP BY 1',
        );
        expect(ct.rows).toEqual([{ a: ACCT, n: trails }]);
        const cw = await q.query(
          'SELECT owner, count(*)::INTEGER AS n FROM from_cloudwatch_readready GROUP BY 1',
        );
        expect(cw.rows).toEqual([{ owner: ACCT, n: FIREHOSE_KEYS.length * 3 }]);
      } finally {
        await q.close();
      }
      // Nothing was ever written to the other bucket.
      expect(await filesUnder(otherDir)).toEqual(otherBefore);
    },
  );

  it('lists what addapart did and the quarantined key in `loglake status`', async () => {
    await landAll();
    await drainQueue(lake);
    await lake.close();
    const cfg = join(work, 'loglake.config.json');
    await writeFile(cfg, JSON.stringify(config));
    const out: string[] = [];
    const code = await main(['status', '--config', cfg], {
      out: (l) => out.push(l),
      err: () => undefined,
      isTTY: false,
    });
    lake = await openLake(config);
    expect(code).toBe(0);
    const text = out.join('\n');
    expect(text).toContain('addapart runs:');
    expect(text).toMatch(/key_pattern_mismatch=1/);
    expect(text).toMatch(/bucket_not_configured=1/);
    expect(text).toContain(OFF_PATTERN);
  });
});
