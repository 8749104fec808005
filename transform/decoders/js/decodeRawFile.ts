import { DecodeError, type QuarantineReason } from '../../../lake/errors.ts';
import type { FileCounts } from '../../../lake/runManifest.ts';
import type { SourceDefinition } from '../../../sources/loader.ts';
import { type EventQuarantine, FileDecoder } from './decodeFile.ts';
import { decompress, decompressStream, gzipSizeHint } from './decompress.ts';
import type { Projector } from './project.ts';
import type { Spool } from './spool.ts';
import { Utf8Decoder, utf8Text } from './utf8Text.ts';

/** What became of one raw file. */
export type FileOutcome =
  | { ok: true; counts: FileCounts; uncompressedBytes: number; rejected: EventQuarantine[] }
  | {
      ok: false;
      reason: QuarantineReason;
      message: string;
      /** Events read before the failure: the file withheld at least this many. */
      eventsDecoded: number;
      /** Decompressed bytes read before the failure, when known. */
      uncompressedBytes?: number;
    };

/** Time spent per decode stage (ms), on whichever thread decoded. */
export interface DecodeStages {
  decompressMs: number;
  decodeMs: number;
  spoolMs: number;
}

export const emptyDecodeStages = (): DecodeStages => ({ decompressMs: 0, decodeMs: 0, spoolMs: 0 });

/** A decoding failure as a quarantine outcome; anything else is a bug and propagates. */
function quarantined(err: unknown, eventsDecoded: number, uncompressedBytes: number): FileOutcome {
  if (!(err instanceof DecodeError)) throw err;
  return {
    ok: false,
    reason: err.reason,
    message: err.message,
    eventsDecoded: Number(err.context.eventsDecoded ?? eventsDecoded),
    uncompressedBytes,
  };
}

/** Files up to this size (compressed) are decompressed in one call, on libuv's thread pool. */
const WHOLE_INPUT_BYTES = 16 * 1024 * 1024;
/** ...as long as they decompress to at most this; bigger ones stream. */
const WHOLE_OUTPUT_BYTES = 64 * 1024 * 1024;
/** A streaming file's rows go to its own spool file once they hold this many characters. */
const SPILL_CHARS = 4 * 1024 * 1024;
/** Default limit of a file's decompressed size: beyond it the file is `too_large`. */
export const DEFAULT_MAX_UNCOMPRESSED_BYTES = 4 * 1024 * 1024 * 1024;

/** When a file streams rather than decoding in one piece (defaults above; tests set them small). */
export interface StreamingLimits {
  wholeInputBytes?: number;
  wholeOutputBytes?: number;
  /** Bytes per decompressed chunk. */
  chunkBytes?: number;
  spillChars?: number;
}

async function appendRows(spool: Spool, table: string, projector: Projector, rows: Map<string, string[]>) {
  for (const [day, lines] of rows) await spool.append(table, day, projector.columns, lines);
}

/**
 * Decodes one raw file into a spool: decompress (sniffed), decode strictly as UTF-8, cut, parse,
 * project, and append its rows. A file is appended whole or not at all; a structural failure comes
 * back as a quarantine outcome. Small files are decoded in one piece; large ones stream, chunk by
 * chunk, with their rows spilled to a spool file of their own that joins the spool only when the
 * whole file decoded, so memory stays flat whatever one file holds.
 */
export async function decodeRawFile(
  spool: Spool,
  key: string,
  source: SourceDefinition,
  projector: Projector,
  bytes: Uint8Array,
  opts: { maxUncompressedBytes?: number; stages?: DecodeStages; streaming?: StreamingLimits } = {},
): Promise<FileOutcome> {
  const stages = opts.stages ?? emptyDecodeStages();
  const limit = opts.maxUncompressedBytes ?? DEFAULT_MAX_UNCOMPRESSED_BYTES;
  const {
    wholeInputBytes = WHOLE_INPUT_BYTES,
    wholeOutputBytes = WHOLE_OUTPUT_BYTES,
    chunkBytes,
    spillChars = SPILL_CHARS,
  } = opts.streaming ?? {};
  let t = performance.now();
  const lap = (stage: keyof DecodeStages) => {
    const now = performance.now();
    stages[stage] += now - t;
    t = now;
  };
  const decoder = new FileDecoder(key, source, projector);
  const table = source.readreadyTable;
  let own: Spool | undefined;
  let uncompressedBytes = 0;
  try {
    let whole: Buffer | undefined;
    // gzip's trailer gives the (last member's) decompressed size: a file known to be too big for one
    // piece streams at once, without a first attempt that would hold the limit in memory.
    if (bytes.byteLength <= wholeInputBytes && gzipSizeHint(bytes) <= wholeOutputBytes) {
      try {
        whole = await decompress(bytes, { maxOutputBytes: Math.min(limit, wholeOutputBytes) });
      } catch (err) {
        // Too big to decompress in one piece but within the limit, or corrupt: stream it instead.
        // A corrupt file then fails at the same byte, after counting the events it held before it,
        // as a large one does, so the reconciliation shows what it withheld whichever path it took.
        const retry =
          err instanceof DecodeError &&
          ((err.reason === 'too_large' && limit > wholeOutputBytes) || err.reason === 'corrupt_compression');
        if (!retry) throw err;
      }
    }
    if (whole !== undefined) {
      lap('decompressMs');
      uncompressedBytes = whole.byteLength;
      decoder.push(utf8Text(whole), true);
    } else {
      const utf8 = new Utf8Decoder();
      for await (const chunk of decompressStream(bytes, { maxOutputBytes: limit, chunkBytes })) {
        uncompressedBytes += chunk.byteLength;
        decoder.push(utf8.push(chunk));
        if (decoder.bufferedChars > spillChars) {
          own ??= spool.child();
          await appendRows(own, table, projector, decoder.takeRows());
        }
      }
      utf8.end();
    }
    decoder.end();
    lap('decodeMs');
  } catch (err) {
    await own?.abort();
    return quarantined(err, decoder.counts.eventsIn, uncompressedBytes);
  }
  if (own !== undefined) {
    await appendRows(own, table, projector, decoder.takeRows());
    spool.adopt(await own.close());
  } else {
    await appendRows(spool, table, projector, decoder.takeRows());
  }
  lap('spoolMs');
  return { ok: true, counts: decoder.counts, uncompressedBytes, rejected: decoder.rejected };
}

/** The outcome of a raw object too big to read. */
export function tooLargeToRead(size: number, limit: number): FileOutcome & { ok: false } {
  return {
    ok: false,
    reason: 'too_large',
    message: `stored size ${size} bytes exceeds the limit of ${limit} bytes; not read`,
    eventsDecoded: 0,
  };
}
