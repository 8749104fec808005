import type { LandedFile, ObjectStore, ReadOnlyObjectStore } from './ports.ts';

/** One bucket loglake reads raw files from, with what is expected there. */
export interface SourceBucket {
  /** The bucket's name, as notifications name it. */
  bucket: string;
  /** Source names expected in this bucket; `undefined` means every source. */
  sources?: readonly string[];
  /** The account that must own it (sent as `ExpectedBucketOwner` on AWS). */
  expectedOwner?: string;
  store: ReadOnlyObjectStore;
}

/**
 * A read-only view of a store: only the read methods, bound to the store. Source buckets are only
 * ever handed out through this, so nothing downstream can write to or delete from one, at compile
 * time (the type has no `put`) and at run time (the object has none either).
 */
export function readOnlyView(store: ObjectStore): ReadOnlyObjectStore {
  const view: ReadOnlyObjectStore = {
    location: store.location,
    get: (key) => store.get(key),
    getStream: (key) => store.getStream(key),
    head: (key) => store.head(key),
    list: (prefix, opts) => store.list(prefix, opts),
    uri: (key) => store.uri(key),
  };
  if (store.localPath !== undefined) {
    const localPath = store.localPath.bind(store);
    view.localPath = (key) => localPath(key);
  }
  return Object.freeze(view);
}

/**
 * The buckets raw files are read from, by name: loglake's own raw bucket and every configured
 * source bucket (any account). addapart accepts a notification only from one of them, and only for
 * a source expected there; transform reads each landed file from its own bucket's store.
 */
export class SourceStores {
  readonly #byName: Map<string, SourceBucket>;

  constructor(buckets: readonly SourceBucket[]) {
    this.#byName = new Map(buckets.map((b) => [b.bucket, b]));
  }

  /** The configured bucket of that name, if any. */
  get(bucket: string): SourceBucket | undefined {
    return this.#byName.get(bucket);
  }

  /** The store a landed file is read from; `undefined` when its bucket is not configured. */
  storeFor(file: Pick<LandedFile, 'bucket'>): ReadOnlyObjectStore | undefined {
    return this.#byName.get(file.bucket)?.store;
  }

  /** Every configured bucket, in configuration order. */
  list(): SourceBucket[] {
    return [...this.#byName.values()];
  }

  /** Bucket name → the sources expected there (`undefined`: all), for the central filter. */
  policy(): ReadonlyMap<string, readonly string[] | undefined> {
    return new Map([...this.#byName].map(([name, b]) => [name, b.sources]));
  }
}
