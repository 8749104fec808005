import { gzipSync } from 'node:zlib';

/**
 * Compression level of every generated file: zlib's default, close to what AWS delivers. Generation
 * still runs at about 60 MB/s of uncompressed output, so benchmark-sized sets need no faster level.
 */
export const GZIP_LEVEL = 6;

/** One gzip member. node:zlib writes no file name and a zero mtime, so output depends only on input. */
export function gzip(data: Uint8Array, level: number = GZIP_LEVEL): Buffer {
  return gzipSync(data, { level });
}

/** Several gzip members back to back, as Firehose writes when it appends records to one object. */
export function gzipMembers(parts: readonly Uint8Array[], level: number = GZIP_LEVEL): Buffer {
  return Buffer.concat(parts.map((part) => gzip(part, level)));
}
