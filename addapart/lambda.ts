import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { containerLake } from '../lake/containerLake.ts';
import type { Lake } from '../lake/lake.ts';
import { addapartDeps } from './drainQueue.ts';
import { PartitionCache } from './partitionCache.ts';
import { addapartBatch } from './processBatch.ts';

/**
 * Builds the addapart SQS handler over a lake. addapart registers the batch's distinct partitions
 * together, so the whole batch goes through {@link addapartBatch} first; Powertools then reports
 * exactly the messages it failed as `batchItemFailures`. The partition cache lives as long as the
 * handler: a warm container skips partitions it already registered.
 */
export function createAddapartHandler(lake: () => Promise<Lake>, cache = new PartitionCache()) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const deps = addapartDeps(await lake(), cache);
    const outcome = await addapartBatch(
      deps,
      event.Records.map((r) => ({ messageId: r.messageId, body: r.body })),
    );
    const failed = new Map(outcome.failures.map((f) => [f.messageId, f.error]));
    // Each failure by name and reason: the DLQ holds the messages, this says why they are there.
    for (const f of outcome.failures)
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: 'notification failed',
          messageId: f.messageId,
          error: f.error.message,
        }),
      );
    const recordHandler = async (record: SQSRecord) => {
      const error = failed.get(record.messageId);
      if (error) throw error;
    };
    return processPartialResponse(event, recordHandler, new BatchProcessor(EventType.SQS), {
      throwOnFullBatchFailure: false,
    });
  };
}

/** The Lambda entry point: an SQS event in, a partial batch response out. */
export const handler = createAddapartHandler(containerLake());
