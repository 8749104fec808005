/**
 * addapart outside the Lambda on moto: the backfill of a prefix that needs paged listing, and the
 * long-polling SQS worker (`loglake addapart --queue`): heartbeat, DeleteMessageBatch, and a
 * graceful stop that finishes the batch in hand.
 */
import { GetPartitionsCommand } from '@aws-sdk/client-glue';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { backfill } from '../../addapart/backfill.ts';
import { runPoller } from '../../addapart/poller.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import type { Lake } from '../../lake/lake.ts';
import { mapLimit } from '../../lake/mapLimit.ts';
import { BUCKETS, openMotoLake } from './motoFixture.ts';

const ACCOUNTS = ['111122223333', '444455556666'];
const REGIONS = ['eu-west-1', 'us-east-1', 'ap-southeast-2'];

/** An org-trail CloudTrail key (DESIGN §5); `n` makes it unique within its partition. */
function trailKey(account: string, region: string, day: number, n: number): string {
  const dd = String(day).padStart(2, '0');
  return (
    `AWSLogs/o-abcde12345/${account}/CloudTrail/${region}/2026/11/${dd}/` +
    `${account}_CloudTrail_${region}_202611${dd}T${String(n % 24).padStart(2, '0')}05Z_${n.toString(16).padStart(16, '0')}.json.gz`
  );
}

/** `count` keys spread round-robin over accounts × regions × 30 days. */
function keys(count: number): { keys: string[]; partitions: Set<string> } {
  const out: string[] = [];
  const partitions = new Set<string>();
  for (let n = 0; n < count; n++) {
    const account = ACCOUNTS[n % ACCOUNTS.length]!;
    const region = REGIONS[Math.floor(n / ACCOUNTS.length) % REGIONS.length]!;
    const day = 1 + (Math.floor(n / (ACCOUNTS.length * REGIONS.length)) % 30);
    out.push(trailKey(account, region, day, n));
    partitions.add(`${account}/${region}/2026/11/${String(day).padStart(2, '0')}`);
  }
  return { keys: out, partitions };
}

async function putAll(clients: AwsClients, all: string[]): Promise<void> {
  await mapLimit(all, 16, (key) =>
    clients.s3.send(new PutObjectCommand({ Bucket: BUCKETS.raw, Key: key, Body: '{"Records":[]}' })),
  );
}

async function gluePartitionValues(clients: AwsClients): Promise<string[]> {
  const out = await clients.glue.send(
    new GetPartitionsCommand({ DatabaseName: 'loglake', TableName: 'from_cloudtrail_raw' }),
  );
  // Without the trailing `loc`: here each (account, region, day) has one folder, so one `loc` each.
  return (out.Partitions ?? []).map((p) => {
    expect(p.Values!.at(-1)).toMatch(/^[0-9a-f]{12}$/);
    return p.Values!.slice(0, -1).join('/');
  });
}

async function queueCounts(clients: AwsClients, url: string): Promise<{ visible: number; hidden: number }> {
  const out = await clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'],
    }),
  );
  return {
    visible: Number(out.Attributes?.ApproximateNumberOfMessages),
    hidden: Number(out.Attributes?.ApproximateNumberOfMessagesNotVisible),
  };
}

describe('addapart backfill and SQS worker on moto', () => {
  let lake: Lake | undefined;
  afterEach(async () => {
    await lake?.close();
    lake = undefined;
  });

  it('backfills a prefix of more than 1,000 objects (paged listing): every partition exactly once', {
    timeout: 300_000,
  }, async () => {
    // prepare: no notifications, as for objects that predate them
    const opened = await openMotoLake({ notify: false, lake: { glue: { warn: () => {} } } });
    lake = opened.lake;
    const { keys: all, partitions } = keys(1_050);
    let t = Date.now();
    await putAll(opened.clients, all);
    console.log('put', Date.now() - t);
    t = Date.now();
    // act
    const first = await backfill(lake, { prefix: 'AWSLogs/', batchSize: 1000 });
    console.log('first', Date.now() - t);
    t = Date.now();
    // The re-run covers one day: moto's SQS slows down with every queued message, the code does not.
    const second = await backfill(lake, { prefix: 'AWSLogs/', from: '2026-11-05', to: '2026-11-05' });
    console.log('second', Date.now() - t);
    // assess
    expect(partitions.size).toBe(180);
    expect(first.listed).toBe(1_050);
    expect(first.failures).toEqual([]);
    expect(first.stats.accepted).toBe(1_050);
    expect(first.stats.filesRecorded).toBe(1_050);
    expect(first.stats.partitionsCreated).toBe(180);
    // Two batches (1000 + 50); each writes ⌈its distinct partitions / 100⌉ chunks.
    expect(first.stats.catalogWrites).toBeLessThanOrEqual(2 + 1);
    expect(first.lastKey).toBe([...all].sort().at(-1));
    expect(second.listed).toBe(1_050);
    expect(second.considered).toBe(all.filter((k) => k.includes('/2026/11/05/')).length);
    expect(second.stats.partitionsCreated).toBe(0);
    expect(second.stats.partitionsExisting).toBe(ACCOUNTS.length * REGIONS.length);
    const values = await gluePartitionValues(opened.clients);
    expect(values).toHaveLength(180);
    expect(new Set(values)).toEqual(partitions);
  });

  it('resumes a backfill after a key and limits it to a day range', async () => {
    // prepare
    const opened = await openMotoLake({ notify: false, lake: { glue: { warn: () => {} } } });
    lake = opened.lake;
    const { keys: all } = keys(60);
    await putAll(opened.clients, all);
    const sorted = [...all].sort();
    // act
    const ranged = await backfill(lake, { prefix: '', from: '2026-11-02', to: '2026-11-03' });
    const resumed = await backfill(lake, { prefix: '', startAfter: sorted[29] });
    // assess
    const inRange = all.filter((k) => /\/2026\/11\/0[23]\//.test(k));
    expect(ranged.listed).toBe(60);
    expect(ranged.considered).toBe(inRange.length);
    expect(ranged.stats.filesRecorded).toBe(inRange.length);
    expect(resumed.listed).toBe(30);
  });

  it('the worker keeps its batch hidden while it works, acks it, and on SIGTERM finishes it and stops', async () => {
    // prepare: notifications on; a first catalog call slower than the 2 s visibility timeout
    const opened = await openMotoLake({ lake: { glue: { warn: () => {} } } });
    lake = opened.lake;
    const { clients, queues } = opened;
    await putAll(clients, keys(25).keys);
    const slow = lake.catalog.createPartitions.bind(lake.catalog);
    let calls = 0;
    lake.catalog.createPartitions = async (...args) => {
      if (calls++ === 0) {
        setTimeout(() => process.emit('SIGTERM'), 500);
        await new Promise((r) => setTimeout(r, 3_500));
      }
      return slow(...args);
    };
    const acked: string[] = [];
    const ack = lake.queue.ack.bind(lake.queue);
    lake.queue.ack = async (messages) => {
      acked.push(...messages.map((m) => m.messageId));
      return ack(messages);
    };
    // A second consumer receives at 2.6 s, past the first batch's original visibility timeout.
    const stolen = new Promise<string[]>((resolve, reject) =>
      setTimeout(() => {
        clients.sqs
          .send(
            new ReceiveMessageCommand({
              QueueUrl: queues.notifications,
              MaxNumberOfMessages: 10,
              VisibilityTimeout: 0,
            }),
          )
          .then((out) => resolve((out.Messages ?? []).map((m) => m.MessageId!)), reject);
      }, 2_600),
    );
    // act
    const stats = await runPoller(lake, {
      batchSize: 10,
      waitSeconds: 1,
      visibilitySeconds: 2,
      onError: (err) => {
        throw err;
      },
    });
    const seenByOther = await stolen;
    // assess: one batch, finished and acked; the heartbeat kept it from the other consumer
    expect(stats.messages).toBe(10);
    expect(stats.failedMessages).toBe(0);
    expect(acked).toHaveLength(10);
    expect(seenByOther.length).toBeGreaterThan(0);
    expect(seenByOther.filter((id) => acked.includes(id))).toEqual([]);
    const left = await queueCounts(clients, queues.notifications);
    expect(left.visible + left.hidden).toBe(26 - 10);
    expect(process.listenerCount('SIGTERM')).toBe(0);
  });
});
