/**
 * Large files stream: decompressed chunk by chunk, cut unit by unit, rows spilled to a spool of their
 * own. Streaming must give exactly what decoding in one piece gives, wherever the chunks are cut
 * (inside strings, escapes, multi-byte characters, between records), and must fail the same way.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadSources, type SourceDefinition } from '../../../../sources/loader.ts';
import {
  decodeRawFile,
  type FileOutcome,
  type StreamingLimits,
} from '../../../../transform/decoders/js/decodeRawFile.ts';
import { projectorOf } from '../../../../transform/decoders/js/projectors.ts';
import { Spool } from '../../../../transform/decoders/js/spool.ts';
import { ctRecord } from '../../../helpers/cloudtrailFiles.ts';
import { acceptanceFirehoseFile } from '../../../helpers/firehose.ts';

let sources: SourceDefinition[];
beforeAll(async () => {
  sources = await loadSources([]);
});
const source = (name: string) => sources.find((s) => s.name === name)!;

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

/** Decodes `bytes` into a fresh spool; returns the outcome and every spooled line, in file order. */
async function decode(
  bytes: Uint8Array,
  src: SourceDefinition,
  streaming?: StreamingLimits,
): Promise<{ outcome: FileOutcome; lines: string[]; paths: string[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'loglake-stream-'));
  dirs.push(dir);
  const spool = new Spool(dir, 'test');
  const outcome = await decodeRawFile(spool, 'k', src, projectorOf(src), bytes, { streaming });
  const files = await spool.close();
  const lines: string[] = [];
  for (const f of files.sort((a, b) => a.path.localeCompare(b.path))) {
    lines.push(...(await readFile(f.path, 'utf8')).split('\n').filter(Boolean));
  }
  return { outcome, lines: lines.sort(), paths: files.map((f) => f.path) };
}

/** Streams everything, in chunks of `chunkBytes`, spilling rows after a few characters. */
const tiny = (chunkBytes: number): StreamingLimits => ({
  wholeInputBytes: 0,
  wholeOutputBytes: 0,
  chunkBytes,
  spillChars: 2000,
});

const records = () => [
  ctRecord({ userAgent: 'quote " backslash \\ brace }{ [ ] unicode é 😀 \u2028' }),
  ctRecord({ requestParameters: { nested: [1, [2, { k: 'v}' }]], big: 1 }, eventName: 'AssumeRole' }),
  ...Array.from({ length: 40 }, () => ctRecord()),
  'a scalar record',
  7,
];

describe('streaming decode', () => {
  it.each([7, 64, 1000])('gives the same rows as one piece, CloudTrail cut every %i bytes', async (chunk) => {
    const body = gzipSync(
      `  {"Records":[${records()
        .map((r) => JSON.stringify(r))
        .join(' , ')}], "extra": {"a": [1, 2]}}\n`,
    );
    const whole = await decode(body, source('cloudtrail'));
    const streamed = await decode(body, source('cloudtrail'), tiny(chunk));
    expect(whole.outcome.ok).toBe(true);
    expect(streamed.outcome).toEqual(whole.outcome);
    expect(streamed.lines).toEqual(whole.lines);
    // The rows went to the file's own spool (spilled as they came), then joined the main spool.
    expect(streamed.paths.every((p) => p.includes('test-f1-'))).toBe(true);
    expect(whole.paths.some((p) => p.includes('test-f1-'))).toBe(false);
  });

  it('gives the same rows for the multi-member Firehose file with }{ inside messages', async () => {
    const body = acceptanceFirehoseFile();
    const whole = await decode(body, source('cloudwatch'));
    const streamed = await decode(body, source('cloudwatch'), tiny(97));
    expect(whole.outcome.ok && whole.outcome.counts.rows).toBeGreaterThan(0);
    expect(streamed.outcome).toEqual(whole.outcome);
    expect(streamed.lines).toEqual(whole.lines);
  });

  it.each([
    ['truncated JSON', '{"Records":[{"eventTime":"2026-11-01T08:15:02Z"},'],
    ['junk after the records', '{"Records":[]} junk'],
    ['a duplicate records key', '{"Records":[],"Records":[]}'],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0xff, 0x22, 0x3a, 0x31, 0x7d])],
    ['a character cut at the end', Buffer.concat([Buffer.from('{"Records":["'), Buffer.from([0xe2, 0x82])])],
    ['no document at all', '   \n  '],
  ])('fails the same way for %s', async (_what, text) => {
    const body = gzipSync(text);
    const whole = await decode(body, source('cloudtrail'));
    const streamed = await decode(body, source('cloudtrail'), tiny(3));
    expect(whole.outcome.ok).toBe(false);
    if (whole.outcome.ok || streamed.outcome.ok) return;
    expect(streamed.outcome.reason).toBe(whole.outcome.reason);
    expect(streamed.lines).toEqual([]);
  });

  it('stops a decompression bomb at the limit, as too_large, without holding it', async () => {
    const member = gzipSync(Buffer.alloc(8 * 1024 * 1024, 0x20));
    const body = Buffer.concat([member, member, member]);
    const dir = await mkdtemp(join(tmpdir(), 'loglake-stream-'));
    dirs.push(dir);
    const src = source('cloudtrail');
    const outcome = await decodeRawFile(new Spool(dir), 'k', src, projectorOf(src), body, {
      maxUncompressedBytes: 20 * 1024 * 1024,
      streaming: { wholeInputBytes: 0 },
    });
    expect(outcome).toMatchObject({ ok: false, reason: 'too_large' });
  });
});
