/**
 * New source definitions reach Glue without a deploy: a running (warm) lake on moto gets a new set
 * of definitions and the raw and readready tables appear, then the new source's key is registered
 * by the same warm addapart handler.
 */

import { fileURLToPath } from 'node:url';
import { GetTableCommand } from '@aws-sdk/client-glue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAddapartHandler } from '../../addapart/lambda.ts';
import { locationId } from '../../addapart/locationId.ts';
import { applySources } from '../../lake/applySources.ts';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import type { Lake } from '../../lake/lake.ts';
import { loadSourceFile, loadSources } from '../../sources/loader.ts';
import { BUCKETS, openMotoLake } from './motoFixture.ts';
import { sqsRecord } from './sqsEvents.ts';

const WAF = fileURLToPath(new URL('../../examples/sources/waf.yaml', import.meta.url));
const WAF_KEY =
  'waf/2026/11/01/09/aws-waf-logs-prod-1-2026-11-01-09-15-01-3f2e1d0c-9b8a-4766-8554-433221100ffe';

let lake: Lake;
let clients: AwsClients;
beforeEach(async () => {
  ({ lake, clients } = await openMotoLake());
});
afterEach(async () => lake.close());

describe('live source definitions on AWS (moto)', () => {
  it('creates the Glue tables of a new definition in a warm container and routes its keys', async () => {
    const handler = createAddapartHandler(async () => lake);
    const glueTable = (name: string) =>
      clients.glue.send(new GetTableCommand({ DatabaseName: 'loglake', Name: name })).then(
        (r) => r.Table,
        () => undefined,
      );
    expect(await glueTable('from_waf_readready')).toBeUndefined();

    const change = await applySources(lake, [...(await loadSources()), await loadSourceFile(WAF)]);
    expect(change.ensured).toEqual(['loglake.from_waf_raw', 'loglake.from_waf_readready']);
    const table = await glueTable('from_waf_readready');
    expect(table?.StorageDescriptor?.Columns?.map((c) => c.Name)).toContain('clientip');
    expect(table?.PartitionKeys?.map((k) => k.Name)).toEqual(['calendarday']);
    expect((await glueTable('from_waf_raw'))?.PartitionKeys?.map((k) => k.Name)).toEqual([
      'year',
      'month',
      'day',
      'hour',
      // loglake's own last key: which folder of which bucket (one raw partition per folder).
      'loc',
    ]);

    await lake.raw.put(WAF_KEY, Buffer.from('{"timestamp":1793524501123,"action":"ALLOW"}\n'));
    const body = JSON.stringify({
      Records: [
        {
          eventSource: 'aws:s3',
          eventName: 'ObjectCreated:Put',
          s3: { bucket: { name: BUCKETS.raw }, object: { key: WAF_KEY, size: 45 } },
        },
      ],
    });
    const out = await handler({
      Records: [
        sqsRecord(
          { MessageId: 'm-1', ReceiptHandle: 'r-1', Body: body },
          'arn:aws:sqs:us-east-1:000000000000:notifications',
        ),
      ],
    });
    expect(out.batchItemFailures).toEqual([]);
    const parts = await lake.catalog.listPartitions('loglake', 'from_waf_raw');
    const folder = WAF_KEY.slice(0, WAF_KEY.lastIndexOf('/') + 1);
    expect(parts.map((p) => p.values)).toEqual([['2026', '11', '01', '09', locationId(BUCKETS.raw, folder)]]);
    expect(parts[0]?.location).toBe(`s3://${BUCKETS.raw}/${folder}`);
  });
});
