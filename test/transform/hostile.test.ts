/**
 * Hostile and unlucky input (issue 7, 13): every class of bytes that once broke a guarantee, run
 * through the whole pipeline with both engines. Each case asserts the outcome itself and that both
 * engines agree on it: the same totals, quarantine reasons and rows.
 */
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { TransformEngine } from '../../lake/config.ts';
import { quoteIdent } from '../../lake/sqlQuote.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import {
  fingerprint,
  outcomeOf,
  type PipelineRun,
  queryRows,
  type RawFile,
  runPipeline,
} from '../helpers/pipeline.ts';

const ENGINES: TransformEngine[] = ['duckdb', 'js'];
const CT = 'from_cloudtrail_readready';

let sourcesDir: string;
beforeAll(async () => {
  sourcesDir = await mkdtemp(join(tmpdir(), 'loglake-sources-'));
  await copyFile(
    new URL('../../examples/sources/bedrock.yaml', import.meta.url),
    join(sourcesDir, 'bedrock.yaml'),
  );
});
afterAll(async () => {
  await rm(sourcesDir, { recursive: true, force: true });
});

const runs: PipelineRun[] = [];
afterEach(async () => {
  for (const r of runs.splice(0)) await r.done();
});

/** Runs `files` through both engines; asserts they agree; returns the DuckDB run (the default engine). */
async function both(files: readonly RawFile[]): Promise<{ duck: PipelineRun; js: PipelineRun }> {
  const [duck, js] = (await Promise.all(
    ENGINES.map((e) => runPipeline(e, files, { sourcesDirs: [sourcesDir] })),
  )) as [PipelineRun, PipelineRun];
  runs.push(duck, js);
  expect(outcomeOf(duck.summary)).toEqual(outcomeOf(js.summary));
  expect(await fingerprint(duck.lake, CT)).toEqual(await fingerprint(js.lake, CT));
  return { duck, js };
}

/** One column of the CloudTrail readready table, in `eventid` order. */
const ctColumn = async (run: PipelineRun, column: string) =>
  (await queryRows(run.lake, `SELECT ${quoteIdent(column)} FROM ${CT} ORDER BY eventid`)).map(
    (x) => x[column],
  );

const eventQuarantine = async (run: PipelineRun) => {
  const rows: unknown[] = [];
  for await (const o of run.lake.quarantine.list('events/')) {
    const text = Buffer.from(await run.lake.quarantine.get(o.key)).toString('utf8');
    for (const line of text.split('\n').filter(Boolean)) rows.push(JSON.parse(line));
  }
  return rows as { source_key: string; event_index: number; reason: string; column?: string }[];
};

/** A CloudWatch Logs DATA_MESSAGE of a Lambda function's log group holding `logEvents` as given (any shape). */
const lambdaLogs = (logEvents: unknown[]) => ({
  messageType: 'DATA_MESSAGE',
  owner: '111122223333',
  logGroup: '/aws/lambda/app',
  logStream: '2026/11/01/[$LATEST]abc',
  subscriptionFilters: ['to-firehose'],
  logEvents,
});

const bedrockKey = (name: string) =>
  `AWSLogs/111122223333/BedrockModelInvocationLogs/eu-west-1/2026/11/01/08/${name}.json.gz`;
const bedrockRecord = (over: Record<string, unknown> = {}) => ({
  schemaType: 'ModelInvocationLog',
  schemaVersion: '1.0',
  timestamp: '2026-11-01T08:15:02Z',
  accountId: '111122223333',
  identity: { arn: 'arn:aws:sts::111122223333:assumed-role/Operator/employee-1' },
  region: 'eu-west-1',
  requestId: 'b7f1c2d3-0000-4000-8000-000000000001',
  operation: 'InvokeModel',
  modelId: 'anthropic.claude-3-haiku-20240307-v1:0',
  input: { inputContentType: 'application/json', inputTokenCount: 12 },
  output: { outputContentType: 'application/json', outputTokenCount: 34 },
  ...over,
});

describe('keys are data, never patterns', () => {
  it('reads each file once when keys hold *, ? and [1] (3 files of 1 record give 3 rows)', async () => {
    const files = ['star_*', 'what_?', 'bracket_[1]'].map((name) => ({
      key: ctKey(name),
      body: ctFile([ctRecord()]),
    }));
    const { duck } = await both(files);
    expect(duck.summary.totals.rows).toBe(3);
    const rows = await queryRows(
      duck.lake,
      `SELECT source_key, count(*) AS n FROM ${CT} GROUP BY 1 ORDER BY 1`,
    );
    expect(rows.map((r) => [r.source_key, Number(r.n)])).toEqual(files.map((f) => [f.key, 1]).sort());
  });
});

describe('one bad value quarantines its event, never the batch', () => {
  it.each([
    ['a date that does not exist', '2026-02-30T00:00:00Z'],
    ['a leap second', '2026-06-30T23:59:60Z'],
    ['an expanded year', '+010000-01-01T00:00:00Z'],
    ['a sentence with a number', 'hello 5'],
    ['a plain word', 'yesterday'],
    ['a date without a time', '2026-02-30'],
  ])('eventTime as %s is bad_time, and the good record beside it is kept', async (_what, eventTime) => {
    const bad = ctRecord({ eventTime });
    const good = ctRecord();
    const { duck } = await both([{ key: ctKey('t'), body: ctFile([bad, good]) }]);
    expect(duck.summary.totals).toMatchObject({ eventsIn: 2, rows: 1, quarantined: 1 });
    expect(duck.summary.totals.quarantinedByReason).toEqual({ bad_time: 1 });
    expect(await eventQuarantine(duck)).toEqual([
      { source_key: ctKey('t'), event_index: 0, reason: 'bad_time' },
    ]);
    const [row] = await queryRows(duck.lake, `SELECT eventid FROM ${CT}`);
    expect(row?.eventid).toBe(good.eventID);
  });

  it.each([
    ['a 19-digit string beyond int64', '"9999999999999999999"'],
    ['an exponent', '1e20'],
    ['2^63', '9223372036854775808'],
  ])('a bigint column given %s is bad_type; other rows flow', async (_what, literal) => {
    const text = [
      JSON.stringify(bedrockRecord({ requestId: 'ok-1' })),
      JSON.stringify(bedrockRecord({ requestId: 'bad-1' })).replace(
        '"inputTokenCount":12',
        `"inputTokenCount":${literal}`,
      ),
    ].join('\n');
    const { duck } = await both([{ key: bedrockKey('tokens'), body: gzipSync(text) }]);
    expect(duck.summary.totals).toMatchObject({ eventsIn: 2, rows: 1, quarantined: 1 });
    expect(await eventQuarantine(duck)).toEqual([
      { source_key: bedrockKey('tokens'), event_index: 1, reason: 'bad_type', column: 'inputtokencount' },
    ]);
  });

  it('keeps integers up to int64 exactly, in both engines', async () => {
    const text = JSON.stringify(bedrockRecord()).replace(
      '"inputTokenCount":12',
      '"inputTokenCount":9223372036854775807',
    );
    const { duck, js } = await both([{ key: bedrockKey('big'), body: gzipSync(text) }]);
    for (const r of [duck, js]) {
      const [row] = await queryRows(
        r.lake,
        'SELECT inputtokencount::VARCHAR AS n FROM from_bedrock_readready',
      );
      expect(row?.n).toBe('9223372036854775807');
    }
  });

  it('a CloudWatch timestamp past year 9999 is bad_time', async () => {
    const doc = (timestamp: number) =>
      lambdaLogs([
        { id: '37000000000000000000000000000000000000000000000000000001', timestamp, message: 'x' },
      ]);
    const body = gzipSync(JSON.stringify(doc(253402300800000)) + JSON.stringify(doc(1793520909000)));
    const key = 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
    const { duck } = await both([{ key, body }]);
    expect(duck.summary.totals).toMatchObject({ eventsIn: 2, rows: 1, quarantinedByReason: { bad_time: 1 } });
  });

  it('a CloudWatch timestamp is read as JavaScript reads it, whatever its JSON form', async () => {
    // One file per form. JavaScript takes any integral number (`1.79352090900e12`, `-0`) and
    // nothing else; DuckDB keeps only plain integers itself and sets the other forms aside.
    const forms = [
      '1793520909000',
      '1.793520909e12',
      '1793520909000.0',
      '-0',
      '1793520909000.5',
      '"1793520909000"',
      'true',
    ];
    const files = forms.map((t, i) => {
      const doc = JSON.stringify(lambdaLogs([{ id: `${i}`, timestamp: 'TS', message: 'x' }])).replace(
        '"TS"',
        t,
      );
      const key = `cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-${i}f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b`;
      return { key, body: gzipSync(doc) };
    });
    const { duck, js } = await both(files);
    expect(duck.summary.totals).toMatchObject({ eventsIn: 7, rows: 4, quarantinedByReason: { bad_time: 3 } });
    const sql =
      'SELECT logeventid, CAST(eventtime AS VARCHAR) AS t FROM from_cloudwatch_readready ORDER BY logeventid';
    const expected = [
      { logeventid: '0', t: '2026-11-01 08:15:09' },
      { logeventid: '1', t: '2026-11-01 08:15:09' },
      { logeventid: '2', t: '2026-11-01 08:15:09' },
      { logeventid: '3', t: '1970-01-01 00:00:00' },
    ];
    expect(await queryRows(duck.lake, sql)).toEqual(expected);
    expect(await queryRows(js.lake, sql)).toEqual(expected);
    // Only the integers stay with DuckDB (its JSON reader makes `-0` the integer 0).
    expect(duck.summary.stages.exactFallbackFiles).toBe(forms.length - 2);
  });

  it('requestParameters nested 100,000 deep is kept whole, with the same text in both engines', async () => {
    const depth = 100_000;
    const record = ctRecord();
    const text = JSON.stringify({ Records: [record] }).replace(
      '"requestParameters":null',
      `"requestParameters":${'['.repeat(depth)}${']'.repeat(depth)}`,
    );
    const { duck, js } = await both([{ key: ctKey('deep'), body: gzipSync(text) }]);
    expect(duck.summary.totals.rows).toBe(1);
    for (const r of [duck, js]) {
      const [row] = await queryRows(r.lake, `SELECT length(requestparameters) AS n FROM ${CT}`);
      expect(Number(row?.n)).toBe(2 * depth);
    }
  });

  it('a file that decompresses to 640 MiB of zeros is quarantined with its reason, in flat memory', async () => {
    // Ten gzip members of 64 MiB of zeros each: a 640 KiB file, more text than a JavaScript string can hold.
    const member = gzipSync(Buffer.alloc(64 * 1024 * 1024));
    const bomb = Buffer.concat(Array.from({ length: 10 }, () => member));
    const { duck } = await both([
      { key: ctKey('bomb'), body: bomb },
      { key: ctKey('good'), body: ctFile([ctRecord()]) },
    ]);
    expect(duck.summary.totals.rows).toBe(1);
    const [q] = duck.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q).toMatchObject({ key: ctKey('bomb'), reason: 'invalid_json', bytes: bomb.byteLength });
    expect(q?.message).toMatch(/at byte 0 \(line 1, column 1\)|at byte 0/);
  });
});

describe('both engines read the same bytes the same way', () => {
  it('a UTF-8 byte-order mark is dropped by both', async () => {
    const body = gzipSync(
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(JSON.stringify({ Records: [ctRecord()] })),
      ]),
    );
    const { duck } = await both([{ key: ctKey('bom'), body }]);
    expect(duck.summary.totals).toMatchObject({ rows: 1, filesQuarantined: 0 });
  });

  it('a log event message that is not a string is its JSON text and never parsed as a session message', async () => {
    const logEvent = (id: string, message: unknown) => ({ id, timestamp: 1793520909000, message });
    const doc = lambdaLogs([
      logEvent('1', { sessionId: 'obj-1', n: 2 }),
      logEvent('2', 12345),
      logEvent('3', JSON.stringify({ sessionId: 'str-1' })),
      logEvent('4', '{not json'),
    ]);
    const key = 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-1f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
    const { duck, js } = await both([{ key, body: gzipSync(JSON.stringify(doc)) }]);
    const sql = 'SELECT logeventid, message, sessionid FROM from_cloudwatch_readready ORDER BY logeventid';
    const rows = await queryRows(duck.lake, sql);
    expect(rows).toEqual([
      { logeventid: '1', message: '{"sessionId":"obj-1","n":2}', sessionid: null },
      { logeventid: '2', message: '12345', sessionid: null },
      { logeventid: '3', message: '{"sessionId":"str-1"}', sessionid: 'str-1' },
      { logeventid: '4', message: '{not json', sessionid: null },
    ]);
    expect(await queryRows(js.lake, sql)).toEqual(rows);
    // DuckDB decided every one of them itself: the file did not go to the JavaScript decoder.
    expect(duck.summary.stages.exactFallbackFiles).toBe(0);
  });

  it('a CloudTrail file holding two documents gives the records of both', async () => {
    const text =
      JSON.stringify({ Records: [ctRecord()] }) + JSON.stringify({ Records: [ctRecord(), ctRecord()] });
    const { duck } = await both([{ key: ctKey('two'), body: gzipSync(text) }]);
    expect(duck.summary.totals).toMatchObject({ eventsIn: 3, rows: 3 });
  });

  it('invalid UTF-8 inside a string is quarantined as invalid_utf8 with its byte offset, not replaced', async () => {
    const text = Buffer.from(JSON.stringify({ Records: [ctRecord({ userAgent: 'agent-XX' })] }));
    const at = text.indexOf('XX');
    text[at] = 0xff;
    text[at + 1] = 0xfe;
    const { duck } = await both([{ key: ctKey('utf8'), body: gzipSync(text) }]);
    const [q] = duck.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q).toMatchObject({ reason: 'invalid_utf8', message: `invalid UTF-8 at byte ${at}` });
  });

  it('an unpaired surrogate escape is invalid JSON in both', async () => {
    const text = JSON.stringify({ Records: [ctRecord({ userAgent: 'X' })] }).replace('"X"', '"\\ud800"');
    const { duck } = await both([{ key: ctKey('surrogate'), body: gzipSync(text) }]);
    expect(duck.summary.runs.flatMap((r) => r.quarantinedFiles.map((q) => q.reason))).toEqual([
      'invalid_json',
    ]);
  });

  it('JSON columns have byte-identical text: floats, large integers, unicode escapes, nested arrays', async () => {
    const raw = [
      '{"ratio":1.0,"half":0.50,"tiny":-1.5e-7,"huge":1e400}',
      '{"id":12345678901234567890123,"max":9223372036854775807,"safe":9007199254740991}',
      '{"name":"\\u00e9t\\u00E9 \\u001f \\ud83d\\ude00 \\/ \\"q\\""}',
      '{"matrix":[[1,2,[3,[4,[]]]],[],{}],"flags":[true,false,null]}',
    ];
    const records = raw.map((rp, i) =>
      JSON.stringify(ctRecord({ eventID: `json-${i}`, requestParameters: 'RP' })).replace('"RP"', rp),
    );
    const text = `{"Records":[${records.join(',')}]}`;
    const { duck, js } = await both([{ key: ctKey('json'), body: gzipSync(text) }]);
    const texts = (r: PipelineRun) => ctColumn(r, 'requestparameters');
    const expected = [
      '{"ratio":1,"half":0.5,"tiny":-1.5e-7,"huge":1e400}',
      '{"id":12345678901234567890123,"max":9223372036854775807,"safe":9007199254740991}',
      '{"name":"été \\u001f 😀 / \\"q\\""}',
      '{"matrix":[[1,2,[3,[4,[]]]],[],{}],"flags":[true,false,null]}',
    ];
    expect(await texts(duck)).toEqual(expected);
    expect(await texts(js)).toEqual(expected);
  });

  it('text columns given numbers, objects and arrays hold the same text in both engines', async () => {
    // What DuckDB writes for a number read as text (`1.0`, `1e+20`, `1.5e-07`) differs from
    // JavaScript's `String(n)`; the SQL engine must set such a file aside, never keep its own text.
    // One file per value, so each check must catch its own file.
    const values = [
      '1.0',
      '1e20',
      '-1.5e-7',
      '0.00001',
      '-0',
      '12345678901234567890123',
      '7',
      '{"a":1.0}',
      '[2.50,"x"]',
      '{"b":"c"}',
    ];
    const files = values.map((v, i) => {
      const record = JSON.stringify(ctRecord({ eventID: `text-${i}`, userAgent: 'UA' })).replace('"UA"', v);
      return { key: ctKey(`numbers-as-text-${i}`), body: gzipSync(`{"Records":[${record}]}`) };
    });
    const { duck, js } = await both(files);
    const texts = (r: PipelineRun) => ctColumn(r, 'useragent');
    const expected = [
      '1',
      '100000000000000000000',
      '-1.5e-7',
      '0.00001',
      '0',
      '12345678901234567890123',
      '7',
      '{"a":1}',
      '[2.5,"x"]',
      '{"b":"c"}',
    ];
    expect(await texts(js)).toEqual(expected);
    expect(await texts(duck)).toEqual(expected);
    // Only the five DuckDB writes differently (`1.0`, `1e+20`, `-1.5e-07`, `1e-05`, `{"a":1.0}`)
    // are set aside; the rest, `-0` and `[2.5,"x"]` among them, DuckDB keeps.
    expect(duck.summary.stages.exactFallbackFiles).toBe(5);
  });
});

describe('nothing is lost uncounted', () => {
  it('valid NDJSON records after one bad line are kept and counted (14 in: 13 rows, 1 quarantined)', async () => {
    const lines = Array.from({ length: 14 }, (_, i) =>
      JSON.stringify(bedrockRecord({ requestId: `r-${i}` })),
    );
    lines[5] = '{"schemaType": "ModelInvocationLog", "timestamp": ';
    const { duck } = await both([{ key: bedrockKey('ndjson'), body: gzipSync(lines.join('\n')) }]);
    expect(duck.summary.totals).toMatchObject({
      eventsIn: 14,
      rows: 13,
      quarantined: 1,
      filesQuarantined: 0,
    });
    const [q] = await eventQuarantine(duck);
    expect(q).toMatchObject({ event_index: 5, reason: 'invalid_json' });
  });

  it('a duplicate "Records" key quarantines the file instead of dropping the first array', async () => {
    const text = `{"Records":[${JSON.stringify(ctRecord())}],"Records":[${JSON.stringify(ctRecord())}]}`;
    const { duck } = await both([{ key: ctKey('dup'), body: gzipSync(text) }]);
    const [q] = duck.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q).toMatchObject({ reason: 'invalid_json' });
    expect(q?.message).toMatch(/duplicate key "Records"/);
  });

  it('a zero-byte file is empty_file, and the run is reconciled but not complete', async () => {
    const { duck } = await both([
      { key: ctKey('empty'), body: new Uint8Array() },
      { key: ctKey('ok'), body: ctFile([ctRecord()]) },
    ]);
    const s = duck.summary;
    expect(s.runs.flatMap((r) => r.quarantinedFiles.map((q) => q.reason))).toEqual(['empty_file']);
    expect(s.totals).toMatchObject({ files: 2, filesDecoded: 1, filesQuarantined: 1 });
    expect(s.reconciled).toBe(true);
    expect(s.complete).toBe(false);
  });

  it('malformed JSON is reported with its byte offset, line and column, and how much the file held', async () => {
    const good = JSON.stringify({ Records: [ctRecord()] }, null, 1);
    const text = good.replace('"eventName": ', '"eventName" ');
    const { duck } = await both([{ key: ctKey('broken'), body: gzipSync(text) }]);
    const [q] = duck.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q?.reason).toBe('invalid_json');
    expect(q?.message).toMatch(/at byte \d+ \(line \d+, column \d+\)/);
    expect(q?.bytes).toBeGreaterThan(0);
    expect(q?.uncompressedBytesRead).toBe(Buffer.byteLength(text));
  });
});

describe('reasons never quote the input', () => {
  it('an invalid document starting with a secret is reported without it', async () => {
    const { duck } = await both([
      { key: ctKey('secret'), body: gzipSync('hunter2-password {"Records":[]}') },
    ]);
    const [q] = duck.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q?.reason).toBe('invalid_json');
    expect(q?.message).not.toContain('hunter2');
    const text = `{"Records":[${JSON.stringify(ctRecord({ userAgent: 'sekrit-token' }))} sekrit-token]}`;
    const { duck: d2 } = await both([{ key: ctKey('secret2'), body: gzipSync(text) }]);
    const [q2] = d2.summary.runs.flatMap((r) => r.quarantinedFiles);
    expect(q2?.reason).toBe('invalid_json');
    expect(q2?.message).not.toContain('sekrit');
  });
});

describe('what DuckDB accepts, both accept', () => {
  it('trailing commas in records and in the envelope are read, the same by both engines', async () => {
    const record = JSON.stringify(ctRecord()).replace(/}$/, ',}');
    const text = `{"Records":[${record},${JSON.stringify(ctRecord())},],}`;
    const { duck } = await both([{ key: ctKey('commas'), body: gzipSync(text) }]);
    expect(duck.summary.totals).toMatchObject({ rows: 2, filesQuarantined: 0 });
  });
});
