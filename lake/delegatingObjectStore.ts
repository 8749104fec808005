import type { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore, PutOptions } from './ports.ts';

/**
 * An object store that hands every call to another one: the base of wrappers that add one thing
 * to some calls (a notification after a write, a record of what was written) and override only those.
 */
export class DelegatingObjectStore implements ObjectStore {
  constructor(readonly inner: ObjectStore) {}

  get location(): string {
    return this.inner.location;
  }
  get(key: string): Promise<Uint8Array> {
    return this.inner.get(key);
  }
  getStream(key: string): Promise<Readable> {
    return this.inner.getStream(key);
  }
  put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void> {
    return this.inner.put(key, body, opts);
  }
  putFile(key: string, localPath: string, opts?: PutOptions): Promise<void> {
    return this.inner.putFile(key, localPath, opts);
  }
  head(key: string): Promise<ObjectInfo | undefined> {
    return this.inner.head(key);
  }
  list(prefix: string, opts?: { startAfter?: string }): AsyncIterable<ObjectInfo> {
    return this.inner.list(prefix, opts);
  }
  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }
  uri(key: string): string {
    return this.inner.uri(key);
  }
  localPath(key: string): string | undefined {
    return this.inner.localPath?.(key);
  }
}
