import { promisify } from 'node:util';
import { createGunzip, gunzip as gunzipCb } from 'node:zlib';
import { DecodeError } from '../../../lake/errors.ts';

const gunzip = promisify(gunzipCb);

export type Compression = 'gzip' | 'none';

/** Detects compression by magic bytes, never by file name (Firehose files have no suffix). */
export function sniffCompression(bytes: Uint8Array): Compression {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b ? 'gzip' : 'none';
}

/** ISIZE of a gzip file's last member (its decompressed size modulo 2^32); 0 for anything else. */
export function gzipSizeHint(bytes: Uint8Array): number {
  if (bytes.byteLength < 18 || sniffCompression(bytes) !== 'gzip') return 0;
  const n = bytes.byteLength;
  return (bytes[n - 4]! | (bytes[n - 3]! << 8) | (bytes[n - 2]! << 16) | (bytes[n - 1]! << 24)) >>> 0;
}

/** Deflate turns one byte into at most 1,032: twice that leaves a margin. */
const MAX_GZIP_RATIO = 2 * 1032;

/**
 * Whether a gzip file of `fileBytes` bytes cannot have decompressed to its trailer's `isize`, which
 * every intact file's last member states: the file is cut short or damaged, and its last four bytes
 * are stray deflate data. A cut file passes for intact only when those bytes happen to read as a
 * possible size (about one in twenty for a 100 KB file); an intact file never fails it.
 */
export function gzipTrailerImpossible(fileBytes: number, isize: number): boolean {
  return isize > fileBytes * MAX_GZIP_RATIO;
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

/** Output chunks of {@link decompressStream}: big enough to keep the per-chunk cost small. */
const STREAM_CHUNK = 1024 * 1024;

/**
 * Decompresses (or, for an uncompressed object, slices) a raw object chunk by chunk, so a file of
 * any size is decoded with memory for one chunk. Every gzip member is decoded. Output beyond
 * `maxOutputBytes` stops the stream with `too_large`, so a decompression bomb costs time up to the
 * limit, never memory.
 */
export async function* decompressStream(
  bytes: Uint8Array,
  opts: { maxOutputBytes?: number; chunkBytes?: number } = {},
): AsyncGenerator<Buffer> {
  const chunkSize = opts.chunkBytes ?? STREAM_CHUNK;
  const limit = opts.maxOutputBytes ?? Number.POSITIVE_INFINITY;
  const tooLarge = () =>
    new DecodeError('too_large', 'decompressed size exceeds the limit', { limit: opts.maxOutputBytes });
  if (sniffCompression(bytes) === 'none') {
    if (bytes.byteLength > limit) throw tooLarge();
    for (let at = 0; at < bytes.byteLength; at += chunkSize) {
      yield Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(chunkSize, bytes.byteLength - at));
    }
    return;
  }
  // zlib's smallest chunk is 64 bytes.
  const gz = createGunzip({ chunkSize: Math.max(64, chunkSize) });
  gz.end(bytes);
  let total = 0;
  try {
    for await (const chunk of gz as AsyncIterable<Buffer>) {
      total += chunk.byteLength;
      if (total > limit) throw tooLarge();
      yield chunk;
    }
  } catch (cause) {
    if (cause instanceof DecodeError) throw cause;
    const code = (cause as NodeJS.ErrnoException).code;
    throw new DecodeError('corrupt_compression', `gzip: ${(cause as Error).message}`, { code }, { cause });
  } finally {
    gz.destroy();
  }
}
