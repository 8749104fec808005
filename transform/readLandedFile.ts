import { ObjectNotFoundError } from '../lake/errors.ts';
import type { LandedFile, ReadOnlyObjectStore } from '../lake/ports.ts';
import type { SourceDefinition } from '../sources/loader.ts';
import { type FileOutcome, tooLargeToRead } from './decoders/js/decodeRawFile.ts';

/** A raw file as read from the store, or why it could not be. */
export type Fetched =
  | { ok: true; file: LandedFile; source: SourceDefinition; bytes: Uint8Array }
  | { ok: false; file: LandedFile; outcome: FileOutcome & { ok: false } };

/** What {@link landedFileReader} reads through. */
export interface LandedFileStores {
  sources: ReadonlyMap<string, SourceDefinition>;
  /** The store of a landed file's bucket, `undefined` for a bucket that is not configured. */
  storeOf(file: LandedFile): ReadOnlyObjectStore | undefined;
  /** A raw object stored bigger than this is quarantined `too_large` without being read. */
  maxRawObjectBytes: number;
}

/**
 * The reader of a batch's landed files: the bytes of a file, or the quarantine outcome of one that
 * cannot be read (an unknown source, a bucket that is not configured, an object too big to hold, or
 * gone). Any other read error propagates and fails the batch.
 */
export function landedFileReader(stores: LandedFileStores): (file: LandedFile) => Promise<Fetched> {
  const { sources, storeOf, maxRawObjectBytes } = stores;
  return async (file) => {
    const source = sources.get(file.source);
    if (source === undefined) {
      const message = `no source named ${file.source}`;
      return { ok: false, file, outcome: { ok: false, reason: 'unknown_source', message, eventsDecoded: 0 } };
    }
    const store = storeOf(file);
    if (store === undefined) {
      const message = `bucket ${file.bucket} is not a configured source bucket`;
      return { ok: false, file, outcome: { ok: false, reason: 'read_failed', message, eventsDecoded: 0 } };
    }
    // An object too big to hold is quarantined before it is read, so no file can exhaust memory.
    if (file.size > maxRawObjectBytes)
      return { ok: false, file, outcome: tooLargeToRead(file.size, maxRawObjectBytes) };
    try {
      return { ok: true, file, source, bytes: await store.get(file.key) };
    } catch (err) {
      if (!(err instanceof ObjectNotFoundError)) throw err;
      const outcome = {
        ok: false as const,
        reason: 'read_failed' as const,
        message: 'raw object not found',
        eventsDecoded: 0,
      };
      return { ok: false, file, outcome };
    }
  };
}
