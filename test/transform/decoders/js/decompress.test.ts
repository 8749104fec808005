import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../lake/errors.ts';
import { decompress, sniffCompression } from '../../../../transform/decoders/js/decompress.ts';
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
