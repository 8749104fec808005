import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { etagOf } from '../lake/embedded/localObjectStore.ts';
import type { ObjectStore } from '../lake/ports.ts';

/** A file to land: its raw key and bytes. */
export interface LandingFile {
  key: string;
  body: Uint8Array;
}

/** Options of {@link landFiles}. */
export interface LandOptions {
  onFile?: (n: number) => void;
  /**
   * Sends the created-notification of an object again. Given, a file already in raw with the same
   * bytes is notified again instead of skipped: if its first notification was lost (the write
   * succeeded, the send failed), landing it again is how it reaches transform. Re-delivery is
   * harmless (addapart and the ledger are idempotent).
   */
  renotify?: (key: string, size: number, etag: string) => Promise<void>;
}

/** What {@link landFiles} did. */
export interface LandResult {
  landed: number;
  /** Already in raw with the same bytes (and notified again when `renotify` is given). */
  existing: number;
  renotified: number;
  /** Already in raw with other bytes: left alone, because raw is write-once. */
  conflicts: string[];
  bytes: number;
}

/**
 * Writes files into the raw store. In embedded mode the raw store sends an S3-shaped notification
 * per object, exactly as S3 does to SQS on AWS. Raw is write-once evidence: an existing key is never
 * replaced; one with other bytes is reported as a conflict (land the new file under a new key, and
 * re-process existing files with `loglake replay`).
 */
export async function landFiles(
  raw: ObjectStore,
  files: Iterable<LandingFile> | AsyncIterable<LandingFile>,
  opts: LandOptions = {},
): Promise<LandResult> {
  const result: LandResult = { landed: 0, existing: 0, renotified: 0, conflicts: [], bytes: 0 };
  let seen = 0;
  for await (const f of files) {
    seen++;
    const info = await raw.head(f.key);
    if (info === undefined) {
      await raw.put(f.key, f.body);
      result.landed++;
      result.bytes += f.body.byteLength;
    } else if (info.size === f.body.byteLength && Buffer.from(await raw.get(f.key)).equals(f.body)) {
      result.existing++;
      if (opts.renotify) {
        await opts.renotify(f.key, info.size, etagOf(f.body));
        result.renotified++;
      }
    } else {
      result.conflicts.push(f.key);
    }
    opts.onFile?.(seen);
  }
  return result;
}

async function* walk(dir: string): AsyncGenerator<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name));
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.isFile()) yield p;
  }
}

/**
 * Reads local paths as landing files: a folder lands every file under it, keyed by its path
 * relative to the folder (so a generated raw layout keeps its keys); a single file lands under its
 * name. `prefix` goes in front of every key.
 */
export async function* filesFromPaths(paths: readonly string[], prefix = ''): AsyncGenerator<LandingFile> {
  const pre = prefix === '' || prefix.endsWith('/') ? prefix : `${prefix}/`;
  for (const path of paths) {
    const s = await stat(path);
    if (s.isDirectory()) {
      for await (const file of walk(path)) {
        const rel = relative(path, file).split(sep).join('/');
        if (rel === '_manifest.json') continue;
        yield { key: pre + rel, body: await readFile(file) };
      }
    } else {
      yield { key: pre + basename(path), body: await readFile(path) };
    }
  }
}
