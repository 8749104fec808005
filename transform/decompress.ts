import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { DecodeError } from '../lake/errors.ts';

const gunzip = promisify(gunzipCb);

export type Compression = 'gzip' | 'none';

/** Detects compression by magic bytes, never by file name (Firehose files have no suffix). */
export function sniffCompression(bytes: Uint8Array): Compression {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gzip' : 'none';
}

/**
 * Decompresses a raw object. gzip goes through node:zlib, which decodes every member of a
 * multi-member file (Firehose appends members); one-shot decoders that stop after the first member
 * silently lose data. Runs on libuv's thread pool, so several files decompress in parallel.
 */
export async function decompress(bytes: Uint8Array, opts: { maxOutputBytes?: number } = {}): Promise<Buffer> {
  if (sniffCompression(bytes) === 'none')
    return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return await gunzip(bytes, opts.maxOutputBytes ? { maxOutputLength: opts.maxOutputBytes } : {});
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    if (code === 'ERR_BUFFER_TOO_LARGE') {
      throw new DecodeError(
        'too_large',
        'decompressed size exceeds the limit',
        { limit: opts.maxOutputBytes },
        { cause },
      );
    }
    throw new DecodeError('corrupt_compression', `gzip: ${(cause as Error).message}`, { code }, { cause });
  }
}
