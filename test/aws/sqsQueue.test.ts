import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import { beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { SqsQueue } from '../../lake/aws/sqsQueue.ts';
import { motoClients, resetMoto } from './motoFixture.ts';

describe('SqsQueue on moto', () => {
  let clients: AwsClients;
  let queue: SqsQueue;

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    const url = (await clients.sqs.send(new CreateQueueCommand({ QueueName: 'q' }))).QueueUrl!;
    queue = new SqsQueue(clients.sqs, { queueUrl: url, waitSeconds: 0 });
  });

  it('sends more than ten bodies in batches and reports the depth', async () => {
    // prepare
    const bodies = Array.from({ length: 25 }, (_, i) => JSON.stringify({ n: i }));
    // act
    await queue.send(bodies);
    // assess
    expect(await queue.depth()).toBe(25);
    const received = new Set<string>();
    for (let i = 0; i < 5; i++) for (const m of await queue.receive(10)) received.add(m.body);
    expect(received.size).toBe(25);
  });

  it('hides received messages, releases them for another receive and deletes acked ones', async () => {
    // prepare
    await queue.send(['a', 'b', 'c']);
    // act
    const first = await queue.receive(10, { visibilitySeconds: 60 });
    const hidden = await queue.receive(10);
    await queue.release(first.filter((m) => m.body === 'a'));
    await queue.ack(first.filter((m) => m.body !== 'a'));
    const again = await queue.receive(10);
    // assess
    expect(first.map((m) => m.body).sort()).toEqual(['a', 'b', 'c']);
    expect(first.every((m) => m.receiveCount === 1 && m.receipt !== '')).toBe(true);
    expect(hidden).toEqual([]);
    expect(again.map((m) => [m.body, m.receiveCount])).toEqual([['a', 2]]);
    await queue.ack(again);
    expect(await queue.depth()).toBe(0);
  });

  it('extends the visibility of messages being worked on', async () => {
    // prepare
    await queue.send(['slow']);
    const [m] = await queue.receive(1, { visibilitySeconds: 1 });
    // act
    await queue.extendVisibility([m!], 60);
    await new Promise((r) => setTimeout(r, 1200));
    const during = await queue.receive(1);
    // assess
    expect(during).toEqual([]);
    expect((await queue.attributes()).inFlight).toBe(1);
  });

  it('aborts a long poll when its signal fires', async () => {
    // prepare
    const controller = new AbortController();
    const started = Date.now();
    // act
    const polling = queue.receive(10, { waitSeconds: 10, signal: controller.signal });
    setTimeout(() => controller.abort(), 100);
    // assess
    await expect(polling).rejects.toThrow();
    expect(Date.now() - started).toBeLessThan(5000);
  });
});
