import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { locationId } from '../../addapart/locationId.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { tempLake } from '../helpers/tempLake.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/sources/', import.meta.url));
const KEY =
  'bedrock/AWSLogs/111122223333/BedrockModelInvocationLogs/eu-west-1/2026/11/01/09/20261101T091501123Z_0a1b2c3d4e5f6a7b.json.gz';

// Real-shaped model invocation log records (NDJSON), one of them a permission-check style record.
const records = [
  {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2026-11-01T09:15:01Z',
    accountId: '111122223333',
    identity: { arn: 'arn:aws:sts::111122223333:assumed-role/ml-analyst/user05@example.com' },
    region: 'eu-west-1',
    requestId: '1b2c3d4e-5f6a-4b7c-8d9e-0f1a2b3c4d5e',
    operation: 'InvokeModel',
    modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
    input: {
      inputContentType: 'application/json',
      inputTokenCount: 17,
      inputBodyJson: { messages: [{ role: 'user', content: 'Summarise the }{ incident' }] },
    },
    output: {
      outputContentType: 'application/json',
      outputTokenCount: 42,
      outputBodyJson: { content: [{ type: 'text', text: 'Summary…' }] },
    },
  },
  {
    schemaType: 'ModelInvocationLog',
    schemaVersion: '1.0',
    timestamp: '2026-11-01T09:16:30Z',
    accountId: '111122223333',
    identity: { arn: 'arn:aws:sts::111122223333:assumed-role/ml-analyst/user05@example.com' },
    region: 'eu-west-1',
    requestId: '2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f',
    operation: 'Converse',
    modelId: 'amazon.titan-text-express-v1',
    input: { inputTokenCount: 5 },
    output: { outputTokenCount: 9 },
  },
  { schemaType: 'SomethingElse', timestamp: '2026-11-01T09:17:00Z' },
];

let t: Awaited<ReturnType<typeof tempLake>>;
beforeEach(async () => {
  t = await tempLake({ sourcesDirs: [EXAMPLES] });
});
afterEach(async () => t.done());

describe('onboarding a new source by a definition file alone', () => {
  it('lands, registers and transforms Bedrock invocation logs into a queryable readready table', async () => {
    const { lake } = t;
    expect(lake.sources.map((s) => s.name)).toContain('bedrock');
    await lake.raw.put(KEY, gzipSync(records.map((r) => JSON.stringify(r)).join('\n')));
    const add = await drainQueue(lake);
    expect(add.accepted).toBe(1);
    expect(await lake.catalog.listPartitions('loglake', 'from_bedrock_raw')).toEqual([
      {
        // The source's captures, then `loc`: which folder of which bucket.
        values: [
          '111122223333',
          'eu-west-1',
          '2026',
          '11',
          '01',
          '09',
          locationId('raw', KEY.slice(0, KEY.lastIndexOf('/') + 1)),
        ],
        location: expect.stringContaining('/BedrockModelInvocationLogs/eu-west-1/2026/11/01/09/'),
      },
    ]);
    const summary = await runTransform(lake);
    expect(summary.totals).toMatchObject({ eventsIn: 3, rows: 2, skipped: { filtered: 1 }, quarantined: 0 });
    const engine = await lake.openQueryEngine();
    try {
      const rows = (
        await engine.query(
          'SELECT operation, modelid, inputtokencount, outputtokencount, input, calendarday FROM from_bedrock_readready ORDER BY eventtime',
        )
      ).rows;
      expect(rows).toEqual([
        {
          operation: 'InvokeModel',
          modelid: 'anthropic.claude-3-haiku-20240307-v1:0',
          inputtokencount: 17,
          outputtokencount: 42,
          input: JSON.stringify(records[0]!.input!.inputBodyJson),
          calendarday: '2026-11-01',
        },
        {
          operation: 'Converse',
          modelid: 'amazon.titan-text-express-v1',
          inputtokencount: 5,
          outputtokencount: 9,
          input: null,
          calendarday: '2026-11-01',
        },
      ]);
    } finally {
      await engine.close();
    }
  });
});
