import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join, resolve, sep } from 'node:path';
import type { Readable } from 'node:stream';
import { LoglakeError, ObjectNotFoundError } from '../errors.ts';
import type { ObjectInfo, ObjectStore } from '../ports.ts';

/**
 * A local folder standing in for a bucket. Keys map to paths under the root; writes go to a
 * temporary file first and are renamed into place, so a reader never sees half an object, as on S3.
 * Keys with `//` are kept as written by escaping empty path segments (see {@link encodeSegment}).
 */
export class LocalObjectStore implements ObjectStore {
  readonly root: string;
  constructor(root: string) {
    this.root = resolve(root);
  }

  get location(): string {
    return this.root;
  }

  #path(key: string): string {
    if (key.startsWith('/') || key.split('/').some((s) => s === '..' || s === '.')) {
      throw new LoglakeError('invalid object key', { key });
    }
    return join(this.root, ...key.split('/').map(encodeSegment));
  }

  #keyOf(path: string): string {
    return path
      .slice(this.root.length + 1)
      .split(sep)
      .map(decodeSegment)
      .join('/');
  }

  async get(key: string): Promise<Uint8Array> {
    try {
      return await readFile(this.#path(key));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT')
        throw new ObjectNotFoundError(key, this.root, { cause: err });
      throw err;
    }
  }

  async getStream(key: string): Promise<Readable> {
    const path = this.#path(key);
    await this.#statOrThrow(key, path);
    return createReadStream(path);
  }

  async put(key: string, body: Uint8Array | string): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, path);
  }

  async putFile(key: string, localPath: string): Promise<void> {
    const path = this.#path(key);
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${randomUUID()}.tmp`;
    await copyFile(localPath, tmp);
    await rename(tmp, path);
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const s = await stat(this.#path(key));
      if (!s.isFile()) return undefined;
      return { key, size: s.size, lastModified: s.mtime };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async *list(prefix: string, opts: { startAfter?: string } = {}): AsyncIterable<ObjectInfo> {
    // Walk only the folder the prefix names, then filter by the full prefix, in key order like S3.
    const slash = prefix.lastIndexOf('/');
    const base = slash >= 0 ? this.#path(prefix.slice(0, slash)) : this.root;
    const keys: string[] = [];
    await this.#walk(base, keys);
    keys.sort();
    for (const key of keys) {
      if (!key.startsWith(prefix)) continue;
      if (opts.startAfter !== undefined && key <= opts.startAfter) continue;
      const info = await this.head(key);
      if (info) yield info;
    }
  }

  async #walk(dir: string, out: string[]): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) await this.#walk(p, out);
      else if (e.isFile() && !e.name.endsWith('.tmp')) out.push(this.#keyOf(p));
    }
  }

  async delete(key: string): Promise<void> {
    await rm(this.#path(key), { force: true });
  }

  localPath(key: string): string {
    return this.#path(key);
  }

  uri(key: string): string {
    if (key === '') return `${this.root}/`;
    // A folder prefix keeps its trailing slash, so catalog locations read as folders.
    return key.endsWith('/') ? `${this.#path(key.slice(0, -1))}/` : this.#path(key);
  }

  async #statOrThrow(key: string, path: string): Promise<void> {
    try {
      await stat(path);
    } catch (err) {
      throw new ObjectNotFoundError(key, this.root, { cause: err });
    }
  }
}

/** S3-style ETag of a single-part object: the hex MD5 of its bytes, in quotes. */
export function etagOf(body: Uint8Array | string): string {
  return `"${createHash('md5').update(body).digest('hex')}"`;
}

const PLACEHOLDER = /^_*__empty__$/;

/**
 * The folder name of one key segment. An empty segment (from `//`) cannot be a folder name, so it
 * becomes `__empty__`; a segment that is literally `__empty__` (or that with more leading
 * underscores) gets one more `_`, so the two never share a path and each maps back to its key.
 */
export function encodeSegment(segment: string): string {
  if (segment === '') return '__empty__';
  return PLACEHOLDER.test(segment) ? `_${segment}` : segment;
}

/** The key segment of a folder name: the inverse of {@link encodeSegment}. */
export function decodeSegment(name: string): string {
  if (name === '__empty__') return '';
  return PLACEHOLDER.test(name) ? name.slice(1) : name;
}
