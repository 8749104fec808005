import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import { LoglakeError, ObjectNotFoundError } from '../errors.ts';
import type { ObjectInfo, ObjectStore, PutOptions } from '../ports.ts';
import { httpStatusOf, isAwsError } from './awsError.ts';

/** Options of {@link S3ObjectStore}; every field but the bucket has a default. */
export interface S3ObjectStoreOptions {
  bucket: string;
  /** Key prefix inside the bucket that this store is rooted at, e.g. `_loglake/`. Default none. */
  prefix?: string;
  /** Part size of multipart uploads by {@link S3ObjectStore.putFile}. Default 16 MiB (S3's minimum is 5 MiB). */
  partSize?: number;
  /** Parts uploaded at once. Default 4. */
  queueSize?: number;
  /** Keys per ListObjectsV2 page. Default 1000 (S3's maximum). */
  pageSize?: number;
  /**
   * The account that must own the bucket, sent as `ExpectedBucketOwner` on every call: S3 refuses
   * the call (403) when another account owns the bucket, so a renamed or re-created bucket in a
   * foreign account is never read from or written to. Default none.
   */
  expectedBucketOwner?: string;
}

const notFound = (err: unknown) => isAwsError(err, 'NoSuchKey', 'NotFound') || httpStatusOf(err) === 404;

/**
 * An S3 bucket (or a prefix inside one) as an {@link ObjectStore}: streaming reads, multipart
 * uploads of local files through `@aws-sdk/lib-storage`, paged ListObjectsV2 listing. Keys given to
 * and returned from the store are relative to the prefix.
 */
export class S3ObjectStore implements ObjectStore {
  readonly bucket: string;
  readonly prefix: string;
  readonly #opts: Required<Omit<S3ObjectStoreOptions, 'bucket' | 'prefix' | 'expectedBucketOwner'>>;
  /** `{ ExpectedBucketOwner }` when set, else nothing: spread into every request. */
  readonly #owner: { ExpectedBucketOwner?: string };

  constructor(
    readonly client: S3Client,
    {
      bucket,
      prefix = '',
      partSize = 16 * 1024 * 1024,
      queueSize = 4,
      pageSize = 1000,
      expectedBucketOwner,
    }: S3ObjectStoreOptions,
  ) {
    if (prefix !== '' && !prefix.endsWith('/'))
      throw new LoglakeError('store prefix must end in /', { bucket, prefix });
    this.bucket = bucket;
    this.prefix = prefix;
    this.#opts = { partSize, queueSize, pageSize };
    this.#owner = expectedBucketOwner === undefined ? {} : { ExpectedBucketOwner: expectedBucketOwner };
  }

  /** The account the bucket must belong to, when set. */
  get expectedBucketOwner(): string | undefined {
    return this.#owner.ExpectedBucketOwner;
  }

  get location(): string {
    return `s3://${this.bucket}/${this.prefix}`;
  }

  #key(key: string): string {
    return this.prefix + key;
  }

  async get(key: string): Promise<Uint8Array> {
    const out = await this.#getObject(key);
    return out.Body!.transformToByteArray();
  }

  async getStream(key: string): Promise<Readable> {
    const out = await this.#getObject(key);
    const body = out.Body;
    if (body instanceof Readable) return body;
    // Outside Node's HTTP handler the body is a web stream.
    return Readable.fromWeb(body!.transformToWebStream() as import('node:stream/web').ReadableStream);
  }

  async #getObject(key: string) {
    try {
      return await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, ...this.#owner, Key: this.#key(key) }),
      );
    } catch (err) {
      if (notFound(err)) throw new ObjectNotFoundError(key, this.location, { cause: err });
      throw err;
    }
  }

  async put(key: string, body: Uint8Array | string, opts: PutOptions = {}): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        ...this.#owner,
        Key: this.#key(key),
        Body: body,
        ContentType: opts.contentType,
      }),
    );
  }

  /**
   * Writes an object only if no object has the key yet (S3 conditional write, `If-None-Match: *`).
   * Returns false when one exists. The ledger uses this to take a file exactly once.
   */
  async putIfAbsent(key: string, body: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          ...this.#owner,
          Key: this.#key(key),
          Body: body,
          IfNoneMatch: '*',
        }),
      );
      return true;
    } catch (err) {
      if (isPreconditionFailed(err)) return false;
      throw err;
    }
  }

  /** Replaces an object only if its ETag is still `etag` (compare-and-swap); false when it changed. */
  async putIfMatch(key: string, body: string, etag: string): Promise<boolean> {
    try {
      await this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          ...this.#owner,
          Key: this.#key(key),
          Body: body,
          IfMatch: etag,
        }),
      );
      return true;
    } catch (err) {
      if (isPreconditionFailed(err) || notFound(err)) return false;
      throw err;
    }
  }

  /** Reads a small object as text with its ETag, or undefined when there is none. */
  async getText(key: string): Promise<{ text: string; etag: string } | undefined> {
    try {
      const out = await this.#getObject(key);
      return { text: await out.Body!.transformToString(), etag: out.ETag ?? '' };
    } catch (err) {
      if (err instanceof ObjectNotFoundError) return undefined;
      throw err;
    }
  }

  async putFile(key: string, localPath: string, opts: PutOptions = {}): Promise<void> {
    // lib-storage sends one PutObject for a small file and a multipart upload for a big one; the
    // object appears whole when CompleteMultipartUpload succeeds, so readers never see a half.
    const upload = new Upload({
      client: this.client,
      params: {
        Bucket: this.bucket,
        ...this.#owner,
        Key: this.#key(key),
        Body: createReadStream(localPath),
        ContentType: opts.contentType,
      },
      partSize: this.#opts.partSize,
      queueSize: this.#opts.queueSize,
      leavePartsOnError: false,
    });
    await upload.done();
  }

  async head(key: string): Promise<ObjectInfo | undefined> {
    try {
      const out = await this.client.send(
        new HeadObjectCommand({ Bucket: this.bucket, ...this.#owner, Key: this.#key(key) }),
      );
      return { key, size: out.ContentLength ?? 0, etag: out.ETag, lastModified: out.LastModified };
    } catch (err) {
      if (notFound(err)) return undefined;
      throw err;
    }
  }

  async *list(prefix: string, opts: { startAfter?: string } = {}): AsyncIterable<ObjectInfo> {
    let token: string | undefined;
    do {
      const page = await this.client.send(
        new ListObjectsV2Command({
          Bucket: this.bucket,
          ...this.#owner,
          Prefix: this.#key(prefix),
          MaxKeys: this.#opts.pageSize,
          ContinuationToken: token,
          // StartAfter only counts on the first request; the token carries the position after it.
          StartAfter:
            token === undefined && opts.startAfter !== undefined ? this.#key(opts.startAfter) : undefined,
        }),
      );
      for (const o of page.Contents ?? []) {
        if (o.Key === undefined) continue;
        yield {
          key: o.Key.slice(this.prefix.length),
          size: o.Size ?? 0,
          etag: o.ETag,
          lastModified: o.LastModified,
        };
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token !== undefined);
  }

  async delete(key: string): Promise<void> {
    await this.client.send(
      new DeleteObjectCommand({ Bucket: this.bucket, ...this.#owner, Key: this.#key(key) }),
    );
  }

  uri(key: string): string {
    return `s3://${this.bucket}/${this.#key(key)}`;
  }
}

function isPreconditionFailed(err: unknown): boolean {
  return isAwsError(err, 'PreconditionFailed', 'ConditionalRequestConflict') || httpStatusOf(err) === 412;
}
