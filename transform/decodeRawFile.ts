import { DecodeError, type QuarantineReason } from '../lake/errors.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { decodeText, type EventQuarantine, type FileCounts } from './decodeFile.ts';
import { decompress } from './decompress.ts';
import type { Projector } from './project.ts';
import type { Spool } from './spool.ts';

/** What became of one raw file. */
export type FileOutcome =
  | { ok: true; counts: FileCounts; uncompressedBytes: number; rejected: EventQuarantine[] }
  | { ok: false; reason: QuarantineReason; message: string; eventsDecoded: number };

/** Time spent per decode stage (ms), on whichever thread decoded. */
export interface DecodeStages {
  decompressMs: number;
  decodeMs: number;
  spoolMs: number;
}

export const emptyDecodeStages = (): DecodeStages => ({ decompressMs: 0, decodeMs: 0, spoolMs: 0 });

/** A decoding failure as a quarantine outcome; anything else is a bug and propagates. */
function quarantined(err: unknown): FileOutcome {
  if (!(err instanceof DecodeError)) throw err;
  return {
    ok: false,
    reason: err.reason,
    message: err.message,
    eventsDecoded: Number(err.context.eventsDecoded ?? 0),
  };
}

/**
 * Decodes one raw file into a spool: decompress (sniffed), decode, and append its rows. A file is
 * appended whole or not at all; a structural failure comes back as a quarantine outcome.
 */
export async function decodeRawFile(
  spool: Spool,
  key: string,
  source: SourceDefinition,
  projector: Projector,
  bytes: Uint8Array,
  opts: { maxUncompressedBytes?: number; stages?: DecodeStages } = {},
): Promise<FileOutcome> {
  const stages = opts.stages ?? emptyDecodeStages();
  let t = performance.now();
  const lap = (stage: keyof DecodeStages) => {
    const now = performance.now();
    stages[stage] += now - t;
    t = now;
  };
  let decoded: ReturnType<typeof decodeText>;
  try {
    const data = await decompress(bytes, { maxOutputBytes: opts.maxUncompressedBytes });
    lap('decompressMs');
    decoded = decodeText(data.toString('utf8'), data.byteLength, key, source, projector);
    lap('decodeMs');
  } catch (err) {
    return quarantined(err);
  }
  for (const [day, lines] of decoded.rowsByDay)
    await spool.append(source.readreadyTable, day, projector.columns, lines);
  lap('spoolMs');
  return {
    ok: true,
    counts: decoded.counts,
    uncompressedBytes: decoded.uncompressedBytes,
    rejected: decoded.rejected,
  };
}
