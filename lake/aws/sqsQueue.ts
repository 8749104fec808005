import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  type QueueAttributeName,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { chunk } from '../embedded/duckdbFile.ts';
import { LoglakeError } from '../errors.ts';
import { mapLimit } from '../mapLimit.ts';
import type { NotificationQueue, QueueMessage } from '../ports.ts';

/** Options of {@link SqsQueue}; every field but the URL has a default. */
export interface SqsQueueOptions {
  queueUrl: string;
  /** Long-polling wait of {@link SqsQueue.receive} when the caller gives none. Default 20 s (SQS's maximum). */
  waitSeconds?: number;
}

/** Some entries of an SQS batch call failed; `failed` names them. */
export class QueueBatchError extends LoglakeError {}

/**
 * An SQS queue as a {@link NotificationQueue}: SendMessageBatch in tens, long-polling receive with a
 * visibility timeout and `ApproximateReceiveCount`, ack through DeleteMessageBatch, release through
 * ChangeMessageVisibility 0 (so the queue's redrive policy counts the failed receive).
 */
export class SqsQueue implements NotificationQueue {
  readonly queueUrl: string;
  readonly #waitSeconds: number;

  constructor(
    readonly client: SQSClient,
    { queueUrl, waitSeconds = 20 }: SqsQueueOptions,
  ) {
    this.queueUrl = queueUrl;
    this.#waitSeconds = waitSeconds;
  }

  /** Sends in batches of ten, a few batches in flight at once (a backfill records thousands). */
  async send(bodies: string[]): Promise<void> {
    await mapLimit(chunk(bodies, 10), 8, async (part) => {
      const out = await this.client.send(
        new SendMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: part.map((body, i) => ({ Id: String(i), MessageBody: body })),
        }),
      );
      if (out.Failed && out.Failed.length > 0) {
        throw new QueueBatchError(
          `SendMessageBatch failed for ${out.Failed.length} of ${part.length} messages`,
          {
            queueUrl: this.queueUrl,
            failed: out.Failed.map((f) => ({ code: f.Code, message: f.Message })),
          },
        );
      }
    });
  }

  async receive(
    max: number,
    opts: { waitSeconds?: number; visibilitySeconds?: number; signal?: AbortSignal } = {},
  ): Promise<QueueMessage[]> {
    const out = await this.client.send(
      new ReceiveMessageCommand({
        QueueUrl: this.queueUrl,
        MaxNumberOfMessages: Math.min(10, Math.max(1, max)),
        WaitTimeSeconds: opts.waitSeconds ?? this.#waitSeconds,
        VisibilityTimeout: opts.visibilitySeconds,
        MessageSystemAttributeNames: ['ApproximateReceiveCount'],
      }),
      { abortSignal: opts.signal },
    );
    return (out.Messages ?? []).map((m) => ({
      messageId: m.MessageId ?? '',
      body: m.Body ?? '',
      receipt: m.ReceiptHandle ?? '',
      receiveCount: Number(m.Attributes?.ApproximateReceiveCount ?? 1),
    }));
  }

  async ack(messages: QueueMessage[]): Promise<void> {
    for (const part of chunk(messages, 10)) {
      const out = await this.client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: part.map((m, i) => ({ Id: String(i), ReceiptHandle: m.receipt })),
        }),
      );
      this.#check('DeleteMessageBatch', part.length, out.Failed);
    }
  }

  async release(messages: QueueMessage[]): Promise<void> {
    await this.extendVisibility(messages, 0);
  }

  /** Sets the messages' visibility timeout: 0 releases them, more keeps them during long work. */
  async extendVisibility(messages: QueueMessage[], seconds: number): Promise<void> {
    for (const part of chunk(messages, 10)) {
      const out = await this.client.send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: this.queueUrl,
          Entries: part.map((m, i) => ({
            Id: String(i),
            ReceiptHandle: m.receipt,
            VisibilityTimeout: seconds,
          })),
        }),
      );
      this.#check('ChangeMessageVisibilityBatch', part.length, out.Failed);
    }
  }

  async depth(): Promise<number> {
    const a = await this.attributes();
    return a.visible + a.inFlight;
  }

  /** Approximate counts of visible, in-flight and delayed messages. */
  async attributes(): Promise<{ visible: number; inFlight: number; delayed: number }> {
    const out = await this.client.send(
      new GetQueueAttributesCommand({
        QueueUrl: this.queueUrl,
        AttributeNames: [
          'ApproximateNumberOfMessages',
          'ApproximateNumberOfMessagesNotVisible',
          'ApproximateNumberOfMessagesDelayed',
        ],
      }),
    );
    const n = (name: QueueAttributeName) => Number(out.Attributes?.[name] ?? 0);
    return {
      visible: n('ApproximateNumberOfMessages'),
      inFlight: n('ApproximateNumberOfMessagesNotVisible'),
      delayed: n('ApproximateNumberOfMessagesDelayed'),
    };
  }

  #check(operation: string, total: number, failed: { Code?: string; Message?: string }[] | undefined): void {
    if (failed && failed.length > 0) {
      throw new QueueBatchError(`${operation} failed for ${failed.length} of ${total} messages`, {
        queueUrl: this.queueUrl,
        failed: failed.map((f) => ({ code: f.Code, message: f.Message })),
      });
    }
  }
}
