import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { ObjectStore } from '../lake/ports.ts';

/** A file to land: its raw key and bytes. */
export interface LandingFile {
  key: string;
  body: Uint8Array;
}

/**
 * Writes files into the raw store. In embedded mode the raw store sends an S3-shaped notification
 * per object, exactly as S3 does to SQS on AWS. Raw is write-once: an existing key is left alone.
 */
export async function landFiles(
  raw: ObjectStore,
  files: Iterable<LandingFile> | AsyncIterable<LandingFile>,
  opts: { onFile?: (n: number) => void; overwrite?: boolean } = {},
): Promise<{ landed: number; existing: number; bytes: number }> {
  let landed = 0;
  let existing = 0;
  let bytes = 0;
  for await (const f of files) {
    if (!opts.overwrite && (await raw.head(f.key)) !== undefined) {
      existing++;
      continue;
    }
    await raw.put(f.key, f.body);
    landed++;
    bytes += f.body.byteLength;
    opts.onFile?.(landed + existing);
  }
  return { landed, existing, bytes };
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
