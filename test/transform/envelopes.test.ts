import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../lake/errors.ts';
import { parseSourceDefinition } from '../../sources/loader.ts';
import { ENVELOPE_KINDS, type EnvelopeKind } from '../../sources/schema.ts';
import { DECODER_NAMES } from '../../transform/decoders/index.ts';
import type { Event } from '../../transform/decoders/js/project.ts';
import { ENVELOPES } from '../../transform/envelopes/index.ts';
import { ctFile, ctKey, ctRecord } from '../helpers/cloudtrailFiles.ts';
import {
  acceptanceFirehoseFile,
  controlMessage,
  dataMessage,
  multiMemberGzip,
  sessionMessage,
} from '../helpers/firehose.ts';
import { queryRows, type RawFile, runPipeline } from '../helpers/pipeline.ts';

/** A small NDJSON source and its concatenated twin: the `none` envelope without a records array. */
const plain = (name: string, framing: 'ndjson' | 'concatenated') => ({
  name,
  raw: {
    key_pattern: `^${name}/(?<year>\\d{4})/(?<month>\\d{2})/(?<day>\\d{2})/[^/]+$`,
    partition_keys: ['year'],
  },
  decode: { framing },
  readready: {
    time: { path: 'time', format: 'iso8601' },
    columns: [
      { name: 'eventtime', type: 'timestamp', path: 'time' },
      { name: 'actor', type: 'string', path: 'who.name' },
      { name: 'n', type: 'bigint', path: 'n' },
      { name: 'ok', type: 'boolean', path: 'ok' },
      { name: 'detail', type: 'string', path: 'detail', as: 'json' },
    ],
  },
});
const plainEvent = (i: number) => ({
  time: `2026-11-01T08:${String(i).padStart(2, '0')}:00Z`,
  who: { name: `user-${i}` },
  n: i * 7,
  ok: i % 2 === 0,
  detail: { tags: ['a', `t${i}`], depth: { x: 'y' } },
});

/** One envelope case: the files to land, the table they fill, and how many rows they give. */
interface EnvelopeCase {
  name: string;
  files: () => RawFile[];
  table: string;
  rows: number;
}

/**
 * Every envelope with the files it reads; keyed by the schema's envelope kinds, so an envelope
 * without a case here does not compile.
 */
const CASES: Record<EnvelopeKind, EnvelopeCase[]> = {
  none: [
    {
      name: 'CloudTrail records arrays',
      files: () => [
        { key: ctKey('envA'), body: ctFile([ctRecord(), ctRecord({ eventName: 'StartSession' })]) },
        { key: ctKey('envB'), body: ctFile([ctRecord({ readOnly: false })]) },
      ],
      table: 'from_cloudtrail_readready',
      rows: 3,
    },
    {
      // Text DuckDB once mistook for its own rewriting of a number or a control character, sending
      // whole files to the slow exact path: S3 request ids such as 685823594590E859, plain
      // fractions, escaped quotes and tabs and non-ASCII text inside nested JSON. (A control
      // character without a short escape does go to the exact decoder: DuckDB writes `\u001B`.)
      name: 'CloudTrail text that looks like numbers or escapes',
      files: () => [
        {
          key: ctKey('envC'),
          body: ctFile([
            ctRecord({
              eventSource: 's3.amazonaws.com',
              eventName: 'GetObject',
              requestID: '685823594590E859',
              requestParameters: { bucketName: 'b', key: 'tab\there "q" caf\u00e9', n: 10 },
              additionalEventData: { bytesTransferredOut: 12.5, SignatureVersion: 'SigV4' },
            }),
            ctRecord({ requestID: '1E5', userAgent: 'ua \t "quoted" \u00e9' }),
          ]),
        },
      ],
      table: 'from_cloudtrail_readready',
      rows: 2,
    },
    {
      name: 'NDJSON events',
      files: () => [
        {
          key: 'envtest_lines/2026/11/01/a.ndjson',
          body: gzipSync(`${[1, 2, 3].map((i) => JSON.stringify(plainEvent(i))).join('\n')}\n`),
        },
      ],
      table: 'from_envtest_lines_readready',
      rows: 3,
    },
    {
      name: 'concatenated documents, each an event',
      files: () => [
        {
          key: 'envtest_docs/2026/11/01/a.json',
          body: gzipSync([4, 5].map((i) => JSON.stringify(plainEvent(i))).join('')),
        },
      ],
      table: 'from_envtest_docs_readready',
      rows: 2,
    },
  ],
  cloudwatch_logs: [
    {
      name: 'Firehose file: multi-member gzip, a CONTROL_MESSAGE, `}{` in messages',
      files: () => [
        {
          key: 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
          body: acceptanceFirehoseFile(),
        },
        {
          key: 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-16-02-1f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
          body: multiMemberGzip([
            dataMessage({
              logGroup: '/aws/lambda/app',
              logStream: 'plain-text',
              events: [{ id: '1', timestamp: Date.parse('2026-11-01T09:00:00Z'), message: 'not json {' }],
            }),
            controlMessage(Date.parse('2026-11-01T09:00:00Z')),
          ]),
        },
      ],
      table: 'from_cloudwatch_readready',
      rows: 6,
    },
    {
      // Keystrokes carry terminal escape sequences: JSON writes ESC as a lower-case \u001b, which
      // is the string's own text and never DuckDB's rewriting of it.
      name: 'keystrokes with terminal escape sequences',
      files: () => [
        {
          key: 'cloudwatch/2026/11/01/08/stream-1-2026-11-01-08-17-02-2f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
          body: multiMemberGzip([
            dataMessage({
              logStream: 'user03-0c7c1cc185ccf51a9',
              events: [
                {
                  id: '1',
                  timestamp: Date.parse('2026-11-01T09:00:00Z'),
                  message: sessionMessage('user03-0c7c1cc185ccf51a9', '2026-11-01T09:00:00Z', [
                    '\u001b[?2004h$ ls -la\r',
                    '\u001b[0m\u001b[01;34mdir\u001b[0m\ttab',
                    'caf\u00e9 "quoted"',
                  ]),
                },
              ],
            }),
          ]),
        },
      ],
      table: 'from_cloudwatch_readready',
      rows: 1,
    },
  ],
};

let sourcesDir: string;
beforeAll(async () => {
  sourcesDir = await mkdtemp(join(tmpdir(), 'loglake-envelopes-'));
  await writeFile(join(sourcesDir, 'lines.json'), JSON.stringify(plain('envtest_lines', 'ndjson')));
  await writeFile(join(sourcesDir, 'docs.json'), JSON.stringify(plain('envtest_docs', 'concatenated')));
});
afterAll(async () => rm(sourcesDir, { recursive: true, force: true }));

describe('the envelope registry', () => {
  it('has exactly one implementation per envelope kind of the schema', () => {
    expect(Object.keys(ENVELOPES).sort()).toEqual([...ENVELOPE_KINDS].sort());
  });
});

describe.each(ENVELOPE_KINDS.map((kind) => [kind]))('envelope %s', (kind) => {
  it.each(CASES[kind])('$name: every decoder gives the same rows', async (c) => {
    // prepare
    const files = c.files();
    const rowsBy: Record<string, unknown[]> = {};
    for (const engine of DECODER_NAMES) {
      // act
      const run = await runPipeline(engine, files, { sourcesDirs: [sourcesDir] });
      try {
        // assess: every file decoded, none quarantined, and (all inputs being gzip, which only the
        // JavaScript decoder measures) the SQL decoder read them all itself, no fallback
        expect(run.summary.totals).toMatchObject({
          filesDecoded: files.length,
          rows: c.rows,
          quarantined: 0,
        });
        if (engine === 'duckdb') {
          expect(run.summary.totals.bytesUncompressed).toBe(0);
          expect(run.summary.stages.exactFallbackFiles).toBe(0);
        }
        rowsBy[engine] = await queryRows(run.lake, `SELECT * FROM ${c.table} ORDER BY ALL`);
      } finally {
        await run.done();
      }
    }
    const [first, ...others] = DECODER_NAMES;
    expect(rowsBy[first!]).toHaveLength(c.rows);
    for (const engine of others) expect(rowsBy[engine]).toEqual(rowsBy[first!]);
  });
});

/** What the JavaScript part of an envelope makes of single documents. */
interface ReaderCase {
  name: string;
  decode: Record<string, unknown>;
  doc: unknown;
  events?: Event[];
  skipped?: string[];
  error?: string;
}

const READER_CASES: Record<EnvelopeKind, ReaderCase[]> = {
  none: [
    { name: 'a document is the event', decode: {}, doc: { a: 1 }, events: [{ a: 1 }] },
    { name: 'a scalar is wrapped', decode: {}, doc: 7, events: [{ value: 7 }] },
    {
      name: 'records array',
      decode: { records: 'Records' },
      doc: { Records: [{ a: 1 }, 2] },
      events: [{ a: 1 }, { value: 2 }],
    },
    { name: 'no records array', decode: { records: 'Records' }, doc: { x: [] }, error: 'unknown_envelope' },
  ],
  cloudwatch_logs: [
    {
      name: 'DATA_MESSAGE',
      decode: { parse_message: true },
      doc: JSON.parse(
        dataMessage({ logStream: 's', events: [{ id: '1', timestamp: 5, message: '{"sessionId":"x"}' }] }),
      ),
      events: [
        {
          owner: '111122223333',
          logGroup: '/aws/ssm/sessionlogs',
          logStream: 's',
          id: '1',
          timestamp: 5,
          message: '{"sessionId":"x"}',
          msg: { sessionId: 'x' },
        },
      ],
    },
    { name: 'CONTROL_MESSAGE', decode: {}, doc: JSON.parse(controlMessage(1)), skipped: ['control_message'] },
    { name: 'another message type', decode: {}, doc: { messageType: 'OTHER' }, error: 'unknown_envelope' },
    { name: 'not an object', decode: {}, doc: [], error: 'unknown_envelope' },
  ],
};

describe.each(ENVELOPE_KINDS.map((kind) => [kind]))('envelope %s, JavaScript part', (kind) => {
  it.each(READER_CASES[kind])('$name', (c) => {
    // prepare
    const source = parseSourceDefinition({
      ...plain('reader', 'concatenated'),
      decode: { framing: 'concatenated', envelope: kind, ...c.decode },
    });
    const read = ENVELOPES[kind].reader(source.decode, { kind: 'documents' });
    const events: Event[] = [];
    const skipped: string[] = [];
    const out = { event: (e: Event) => events.push(e), skip: (r: string) => skipped.push(r) };
    // act
    let error: unknown;
    try {
      read(c.doc, 0, out);
    } catch (err) {
      error = err;
    }
    // assess
    if (c.error !== undefined) {
      expect(error).toBeInstanceOf(DecodeError);
      expect((error as DecodeError).reason).toBe(c.error);
    } else {
      expect(error).toBeUndefined();
      expect(events).toEqual(c.events ?? []);
      expect(skipped).toEqual(c.skipped ?? []);
    }
  });
});
