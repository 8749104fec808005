/**
 * Issue 8.6: from landing to queryable, end to end on moto, with the schedule the template sets.
 * put object → S3 notification to SQS → addapart handler in-process → transform handler at the
 * tick → the session's day registered in both readready tables and its rows readable. The timing
 * itself is the bench's job (`npm run bench:freshness`); this test proves the path and that the
 * template's schedule keeps the worst case inside the freshness alarm and the SLA.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { DuckDBInstance, listValue } from '@duckdb/node-api';
import { afterEach, describe, expect, it } from 'vitest';
import { measureFreshness, worstCaseSeconds } from '../../bench/measureFreshness.ts';
import { ratePeriodSeconds, readTemplateSchedule } from '../../bench/templateSchedule.ts';
import { generate } from '../../ingest/generate/index.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import type { Lake } from '../../lake/lake.ts';
import { BUCKETS, openMotoLake } from './motoFixture.ts';

/** Rows of one session in the readready CloudWatch table, read back from S3 with DuckDB. */
async function sessionRows(clients: AwsClients, day: string, sessionId: string): Promise<number> {
  const prefix = `from_cloudwatch_readready/calendarday=${day}/`;
  const listed = await clients.s3.send(
    new ListObjectsV2Command({ Bucket: BUCKETS.readready, Prefix: prefix }),
  );
  const dir = await mkdtemp(join(tmpdir(), 'loglake-fresh-'));
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    const paths: string[] = [];
    for (const [i, o] of (listed.Contents ?? []).filter((c) => c.Key!.endsWith('.parquet')).entries()) {
      const got = await clients.s3.send(new GetObjectCommand({ Bucket: BUCKETS.readready, Key: o.Key! }));
      paths.push(join(dir, `${i}.parquet`));
      await writeFile(paths.at(-1)!, await got.Body!.transformToByteArray());
    }
    const reader = await connection.runAndReadAll(
      'SELECT count(*)::INTEGER FROM read_parquet($paths) WHERE sessionid = $id',
      { paths: listValue(paths), id: sessionId },
    );
    return Number(reader.getRows()[0]![0]);
  } finally {
    connection.closeSync();
    instance.closeSync();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('freshness: landing to queryable on moto', () => {
  let lake: Lake | undefined;
  afterEach(async () => {
    await lake?.close();
  });

  it('reads the schedule and batching window from infra/loglake.yaml', () => {
    const schedule = readTemplateSchedule();
    expect(schedule.periodSeconds).toBe(ratePeriodSeconds(schedule.expression));
    expect(schedule.batchingWindowSeconds).toBeGreaterThanOrEqual(0);
    expect(schedule.batchingWindowSeconds).toBeLessThanOrEqual(300);
    expect(ratePeriodSeconds('rate(5 minutes)')).toBe(300);
    expect(ratePeriodSeconds('rate(1 hour)')).toBe(3600);
    expect(() => ratePeriodSeconds('cron(0/5 * * * ? *)')).toThrow(/rate expression/);
  });

  it('makes a landed session queryable in both readready tables, well inside the freshness alarm', async () => {
    const opened = await openMotoLake({
      config: {
        transform: { maxFiles: 1000, maxBytes: 512 * 1024 * 1024, prefetch: 4, workers: 1, writerThreads: 1 },
      },
      lake: { glue: { warn: () => {} } },
    });
    lake = opened.lake;
    const { clients, queues } = opened;
    const seed = 11;

    const measure = await measureFreshness(
      {
        lake,
        clients,
        buckets: { raw: BUCKETS.raw, readready: BUCKETS.readready },
        notifications: { url: queues.notifications, arn: queues.notificationsArn },
      },
      { seed },
    );

    // The same session the generator planned, every one of its CloudWatch log events queryable.
    const planned = generate({ accounts: 1, days: 1, sessions: 1, seed, badFiles: false }).manifest
      .sessions[0]!;
    expect(measure.sessionId).toBe(planned.sessionId);
    expect(measure.readready.from_cloudtrail_readready).toBeGreaterThan(0);
    expect(measure.readready.from_cloudwatch_readready).toBeGreaterThan(0);
    expect(await sessionRows(clients, measure.calendarDay, planned.sessionId)).toBe(planned.logEvents);
    expect(await lake.ledger.counts()).toMatchObject({ pending: 0, claimed: 0 });

    const stages = Object.values(measure.stagesMs);
    expect(stages.every((ms) => ms >= 0)).toBe(true);
    expect(measure.processingMs).toBeCloseTo(
      stages.reduce((a, b) => a + b, 0),
      3,
    );
    expect(measure.addapartMs).toBeLessThanOrEqual(measure.stagesMs.deliver);
    const schedule = readTemplateSchedule();
    const worst = worstCaseSeconds(schedule, measure.processingMs);
    expect(worst).toBeGreaterThan(schedule.periodSeconds);
    expect(worst).toBeLessThan(schedule.ledgerAgeAlarmSeconds);
    expect(worst).toBeLessThan(90 * 60);
  });
});
