import { DelegatingObjectStore } from '../delegatingObjectStore.ts';
import { errorMessage, LoglakeError } from '../errors.ts';
import type { NotificationQueue, ObjectStore, PutOptions } from '../ports.ts';
import { etagOf } from './localObjectStore.ts';

/**
 * Wraps the embedded raw store so every write sends an S3-event-shaped notification, exactly what
 * S3 sends to SQS on AWS: the same addapart code then handles both.
 */
export class NotifyingObjectStore extends DelegatingObjectStore {
  constructor(
    inner: ObjectStore,
    readonly queue: NotificationQueue,
    readonly bucket: string,
  ) {
    super(inner);
  }

  override async put(key: string, body: Uint8Array | string, opts?: PutOptions): Promise<void> {
    await this.inner.put(key, body, opts);
    const size = typeof body === 'string' ? Buffer.byteLength(body) : body.byteLength;
    await this.#notify(key, size, etagOf(body));
  }
  override async putFile(key: string, localPath: string, opts?: PutOptions): Promise<void> {
    await this.inner.putFile(key, localPath, opts);
    const info = await this.inner.head(key);
    await this.#notify(key, info?.size ?? 0, undefined);
  }
  async #notify(key: string, size: number, etag: string | undefined): Promise<void> {
    try {
      await this.queue.send([s3EventBody(this.bucket, key, size, etag)]);
    } catch (cause) {
      // The object is written but nothing will transform it: say how to recover.
      throw new LoglakeError(
        `raw object ${key} was written but its notification failed (${errorMessage(cause)}); land it again to re-send the notification`,
        { key },
        { cause },
      );
    }
  }
}

/** URL-encodes a key the way S3 does in event notifications (spaces become `+`). */
export function encodeS3EventKey(key: string): string {
  return encodeURIComponent(key).replace(/%2F/g, '/').replace(/%20/g, '+');
}

/** An S3 `ObjectCreated:Put` notification body, as S3 delivers it to SQS. */
export function s3EventBody(bucket: string, key: string, size: number, etag: string | undefined): string {
  return JSON.stringify({
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'local',
        eventTime: new Date().toISOString(),
        eventName: 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'loglake-embedded',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encodeS3EventKey(key), size, ...(etag ? { eTag: etag.replace(/"/g, '') } : {}) },
        },
      },
    ],
  });
}
