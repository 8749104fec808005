import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { generate } from '../../../../ingest/generate/index.ts';
import { DecodeError } from '../../../../lake/errors.ts';
import {
  decompress,
  gzipSizeHint,
  gzipTrailerImpossible,
  sniffCompression,
} from '../../../../transform/decoders/js/decompress.ts';
import { multiMemberGzip } from '../../../helpers/firehose.ts';

describe('decompress', () => {
  it('sniffs gzip by magic bytes, not by name', () => {
    expect(sniffCompression(gzipSync('x'))).toBe('gzip');
    expect(sniffCompression(Buffer.from('{"a":1}'))).toBe('none');
    expect(sniffCompression(new Uint8Array([0x1f]))).toBe('none');
  });

  it('decodes every member of a multi-member gzip file', async () => {
    const out = await decompress(multiMemberGzip(['{"a":1}', '{"b":2}', '{"c":3}']));
    expect(out.toString()).toBe('{"a":1}{"b":2}{"c":3}');
  });

  it('passes uncompressed bytes through', async () => {
    expect((await decompress(Buffer.from('plain'))).toString()).toBe('plain');
  });

  it('reports a truncated gzip as corrupt_compression', async () => {
    const whole = gzipSync('{"Records":[]}'.repeat(100));
    const err = await decompress(whole.subarray(0, whole.length / 2)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).reason).toBe('corrupt_compression');
  });

  it('reports output over the limit as too_large', async () => {
    const err = await decompress(gzipSync('x'.repeat(10_000)), { maxOutputBytes: 1000 }).catch(
      (e: unknown) => e,
    );
    expect((err as DecodeError).reason).toBe('too_large');
  });
});

describe('gzipTrailerImpossible', () => {
  const trailer = (bytes: Uint8Array) => gzipTrailerImpossible(bytes.byteLength, gzipSizeHint(bytes));
  const trailFiles = [...generate({ seed: 5, accounts: 1, days: 1, sessions: 2, badFiles: false }).files]
    .filter((f) => f.key.includes('/CloudTrail/') && f.key.endsWith('.json.gz'))
    .map((f) => Buffer.from(f.body));

  it('never fails an intact file, however well it compresses or however many members it has', () => {
    const intact = [
      ...trailFiles,
      gzipSync(''),
      gzipSync('{"Records":[]}'),
      gzipSync(Buffer.alloc(4 * 1024 * 1024)),
      gzipSync(Buffer.alloc(4 * 1024 * 1024), { level: 9 }),
      multiMemberGzip(['{"a":1}'.repeat(5000), '{}']),
      multiMemberGzip(['x'.repeat(100_000), '']),
    ];
    expect(trailFiles.length).toBeGreaterThan(3);
    for (const bytes of intact) expect(trailer(bytes)).toBe(false);
  });

  it('shows nearly every cut CloudTrail file as cut, wherever it was cut', () => {
    let cut = 0;
    let caught = 0;
    for (const whole of trailFiles) {
      for (let at = 64; at < whole.length; at += 97) {
        cut++;
        if (trailer(whole.subarray(0, at))) caught++;
      }
    }
    expect(cut).toBeGreaterThan(500);
    expect(caught / cut).toBeGreaterThan(0.9);
  });

  it('states no size for anything but gzip', () => {
    expect(gzipSizeHint(Buffer.from('{"Records":[]}{"Records":[]}'))).toBe(0);
    expect(gzipSizeHint(gzipSync('abc'))).toBe(3);
  });
});
