import { DelegatingObjectStore } from '../lake/delegatingObjectStore.ts';
import type { PutOptions } from '../lake/ports.ts';

/** An object store that remembers the keys written through it (what one batch run wrote). */
export class RecordingStore extends DelegatingObjectStore {
  readonly written = new Set<string>();

  override async put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void> {
    await this.inner.put(key, body, opts);
    this.written.add(key);
  }
  override async putFile(key: string, localPath: string, opts?: PutOptions): Promise<void> {
    await this.inner.putFile(key, localPath, opts);
    this.written.add(key);
  }
}
