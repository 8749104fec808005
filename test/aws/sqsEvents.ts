/** Turning messages received from moto's SQS into the events the Lambda service would deliver. */
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  type Message,
  ReceiveMessageCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';

/** One received SQS message as a Lambda SQS event record. */
export function sqsRecord(m: Message, queueArn: string): SQSRecord {
  const a = m.Attributes ?? {};
  return {
    messageId: m.MessageId!,
    receiptHandle: m.ReceiptHandle!,
    body: m.Body!,
    attributes: {
      ApproximateReceiveCount: a.ApproximateReceiveCount ?? '1',
      SentTimestamp: a.SentTimestamp ?? String(Date.now()),
      SenderId: a.SenderId ?? 'AIDAEXAMPLE',
      ApproximateFirstReceiveTimestamp: a.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: m.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: 'us-east-1',
  };
}

/** Receives one batch (up to 10), as the event source mapping does. */
export async function receiveBatch(sqs: SQSClient, queueUrl: string, max = 10): Promise<Message[]> {
  const out = await sqs.send(
    new ReceiveMessageCommand({
      QueueUrl: queueUrl,
      MaxNumberOfMessages: max,
      WaitTimeSeconds: 0,
      VisibilityTimeout: 30,
      MessageSystemAttributeNames: ['All'],
    }),
  );
  return out.Messages ?? [];
}

/**
 * Plays the event source mapping with `ReportBatchItemFailures`: deletes the batch's successes and
 * makes its reported failures visible again (the service waits out the visibility timeout; the
 * test does not).
 */
export async function settle(
  sqs: SQSClient,
  queueUrl: string,
  batch: Message[],
  response: SQSBatchResponse,
): Promise<void> {
  const failed = new Set(response.batchItemFailures.map((f) => f.itemIdentifier));
  const ok = batch.filter((m) => !failed.has(m.MessageId!));
  const bad = batch.filter((m) => failed.has(m.MessageId!));
  if (ok.length > 0) {
    await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: ok.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
  if (bad.length > 0) {
    await sqs.send(
      new ChangeMessageVisibilityBatchCommand({
        QueueUrl: queueUrl,
        Entries: bad.map((m, i) => ({
          Id: String(i),
          ReceiptHandle: m.ReceiptHandle!,
          VisibilityTimeout: 0,
        })),
      }),
    );
  }
}

/** Delivers every message of the queue to `handler` in batches of up to 10, until it is empty. */
export async function deliverAll(
  sqs: SQSClient,
  queueUrl: string,
  queueArn: string,
  handler: (event: SQSEvent) => Promise<SQSBatchResponse>,
  opts: { rounds?: number } = {},
): Promise<{ batches: number; records: number; failures: string[] }> {
  const result = { batches: 0, records: 0, failures: [] as string[] };
  for (let round = 0; round < (opts.rounds ?? 1000); round++) {
    const batch = await receiveBatch(sqs, queueUrl);
    if (batch.length === 0) break;
    const response = await handler({ Records: batch.map((m) => sqsRecord(m, queueArn)) });
    await settle(sqs, queueUrl, batch, response);
    result.batches++;
    result.records += batch.length;
    result.failures.push(...response.batchItemFailures.map((f) => f.itemIdentifier));
  }
  return result;
}
