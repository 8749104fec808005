import type { Readable } from 'node:stream';
import type { ObjectInfo, ObjectStore, PutOptions } from '../lake/ports.ts';

/** An object store that remembers the keys written through it (what one batch run wrote). */
export class RecordingStore implements ObjectStore {
  readonly written = new Set<string>();
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
  async put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void> {
    await this.inner.put(key, body, opts);
    this.written.add(key);
  }
  async putFile(key: string, localPath: string, opts?: PutOptions): Promise<void> {
    await this.inner.putFile(key, localPath, opts);
    this.written.add(key);
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
