import { GetPartitionsCommand } from '@aws-sdk/client-glue';
import { ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { DeleteMessageBatchCommand, type Message, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { createAddapartHandler } from '../addapart/lambda.ts';
import { generate } from '../ingest/generate/index.ts';
import type { AwsClients } from '../lake/aws/awsClients.ts';
import type { Lake } from '../lake/lake.ts';
import { createTransformHandler } from '../transform/lambda.ts';
import type { TemplateSchedule } from './templateSchedule.ts';

/** Where one freshness measurement runs: an AWS-mode lake (moto in the bench and tests) and its queue. */
export interface FreshnessStack {
  lake: Lake;
  clients: AwsClients;
  buckets: { raw: string; readready: string };
  notifications: { url: string; arn: string };
}

/** Options of {@link measureFreshness}; every field has a default. */
export interface FreshnessOptions {
  /** Generator seed of the session's files. Default 11. */
  seed?: number;
  /** Transform Lambda timeout given to the tick, seconds. Default 900 (the template's default). */
  transformTimeoutSeconds?: number;
  /** Longest wait for the S3 notifications to reach the queue, ms. Default 30,000. */
  notifyTimeoutMs?: number;
}

/** One measurement: a session landed, registered and transformed until queryable. */
export interface FreshnessMeasure {
  sessionId: string;
  calendarDay: string;
  files: number;
  bytes: number;
  /**
   * Milliseconds of each stage, one after the other: the puts; receiving the notifications and
   * running addapart on each batch (until every file is registered); the transform tick.
   */
  stagesMs: { land: number; deliver: number; transform: number };
  /** Of `deliver`, the time spent in the addapart handler. */
  addapartMs: number;
  /** From the first put to the session queryable in both readready tables, with no waiting for a tick. */
  processingMs: number;
  /** Readready objects of the session's day, per table. */
  readready: Record<string, number>;
}

const READREADY_TABLES = ['from_cloudtrail_readready', 'from_cloudwatch_readready'];

/** An SQS message as the Lambda service hands it to addapart. */
function sqsEvent(messages: Message[], arn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body!,
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: m.Attributes?.SenderId ?? 'AIDAEXAMPLE',
        ApproximateFirstReceiveTimestamp: String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: arn,
      awsRegion: arn.split(':')[3] ?? 'us-east-1',
    })),
  };
}

const countObjectRecords = (body: string): number => {
  const doc = JSON.parse(body) as { Records?: unknown[]; Event?: string };
  return Array.isArray(doc.Records) ? doc.Records.length : 0;
};

/**
 * Lands one Session Manager session (its CloudTrail and Firehose files, as the generator writes
 * them) in the raw bucket, and drives the pipeline the way the stack does: S3 notifications to SQS,
 * the addapart handler on each batch as the event source mapping delivers it, then the transform
 * handler as the schedule's tick starts it, until the session's day is registered in both readready
 * tables with its Parquet objects present. Handlers run in-process; each stage is timed.
 *
 * What it cannot include: the wait for the tick and the batching window (added from the template
 * by {@link worstCaseSeconds}), S3's own notification delay and Lambda cold starts (real AWS only).
 */
export async function measureFreshness(
  stack: FreshnessStack,
  opts: FreshnessOptions = {},
): Promise<FreshnessMeasure> {
  const { seed = 11, transformTimeoutSeconds = 900, notifyTimeoutMs = 30_000 } = opts;
  const generated = generate({ accounts: 1, days: 1, sessions: 1, seed, badFiles: false });
  const files = [...generated.files];
  const session = generated.manifest.sessions[0]!;
  const calendarDay = session.startTime.slice(0, 10);
  const { s3, sqs, glue } = stack.clients;
  const addapart = createAddapartHandler(async () => stack.lake);
  const transform = createTransformHandler(async () => stack.lake);

  const t0 = performance.now();
  for (const f of files)
    await s3.send(new PutObjectCommand({ Bucket: stack.buckets.raw, Key: f.key, Body: f.body }));
  const landed = performance.now();

  // Each received batch goes to addapart at once, as the event source mapping does.
  let notified = 0;
  let addapartMs = 0;
  const deadline = Date.now() + notifyTimeoutMs;
  while (notified < files.length) {
    if (Date.now() > deadline)
      throw new Error(
        `only ${notified} of ${files.length} S3 notifications arrived in ${notifyTimeoutMs} ms`,
      );
    const got = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: stack.notifications.url,
        MaxNumberOfMessages: 10,
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
      }),
    );
    const batch = got.Messages ?? [];
    if (batch.length === 0) continue;
    notified += batch.reduce((n, m) => n + countObjectRecords(m.Body!), 0);
    const started = performance.now();
    const response = await addapart(sqsEvent(batch, stack.notifications.arn));
    addapartMs += performance.now() - started;
    if (response.batchItemFailures.length > 0)
      throw new Error(`addapart failed ${response.batchItemFailures.length} notifications`);
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: stack.notifications.url,
        Entries: batch.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  const registered = performance.now();

  // The tick: one invocation works until the ledger is empty.
  const budgetEnd = Date.now() + transformTimeoutSeconds * 1000;
  for (let r = await transform({}, { getRemainingTimeInMillis: () => budgetEnd - Date.now() }); r.more; ) {
    r = await transform({}, { getRemainingTimeInMillis: () => budgetEnd - Date.now() });
  }
  const transformed = performance.now();

  const readready: Record<string, number> = {};
  for (const table of READREADY_TABLES) {
    const parts = await glue.send(
      new GetPartitionsCommand({ DatabaseName: stack.lake.config.database, TableName: table }),
    );
    if (!(parts.Partitions ?? []).some((p) => p.Values?.[0] === calendarDay))
      throw new Error(`${table}: calendarday=${calendarDay} is not registered`);
    const listed = await s3.send(
      new ListObjectsV2Command({
        Bucket: stack.buckets.readready,
        Prefix: `${table}/calendarday=${calendarDay}/`,
      }),
    );
    readready[table] = (listed.Contents ?? []).filter((o) => o.Key!.endsWith('.parquet')).length;
    if (readready[table] === 0) throw new Error(`${table}: no Parquet for calendarday=${calendarDay}`);
  }
  return {
    sessionId: session.sessionId,
    calendarDay,
    files: files.length,
    bytes: files.reduce((n, f) => n + f.body.byteLength, 0),
    stagesMs: { land: landed - t0, deliver: registered - landed, transform: transformed - registered },
    addapartMs,
    processingMs: transformed - t0,
    readready,
  };
}

/**
 * The worst-case time from landing to queryable on the stack: a notification waits at most the
 * batching window for addapart, the ledger record at most one schedule period for the next tick,
 * plus the measured processing.
 */
export function worstCaseSeconds(schedule: TemplateSchedule, processingMs: number): number {
  return schedule.batchingWindowSeconds + schedule.periodSeconds + processingMs / 1000;
}
