import { NotificationParseError } from '../lake/errors.ts';
import { decodeS3EventKey } from './decodeKey.ts';

/** One object-created record from a notification, its key already decoded. */
export interface ObjectNotice {
  bucket: string;
  key: string;
  size: number;
  etag?: string;
  eventName: string;
  eventTime?: string;
}

/** The parsed notification: object notices, or a test event to acknowledge and skip. */
export type ParsedNotification = { kind: 'objects'; objects: ObjectNotice[] } | { kind: 'test' };

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Parses an SQS message body: a direct S3 event, an SNS-wrapped S3 event, an EventBridge
 * "Object Created" event, or an `s3:TestEvent`. Anything else throws {@link NotificationParseError},
 * which makes the message a failed batch item rather than a crash.
 */
export function parseNotification(body: string): ParsedNotification {
  let doc: unknown;
  try {
    doc = JSON.parse(body);
  } catch (cause) {
    throw new NotificationParseError('message body is not JSON', { bodyLength: body.length }, { cause });
  }
  return parseDocument(doc, 0);
}

function parseDocument(doc: unknown, depth: number): ParsedNotification {
  if (!isObject(doc)) throw new NotificationParseError('message body is not a JSON object');
  if (doc.Event === 's3:TestEvent') return { kind: 'test' };
  // SNS wraps the S3 event as a JSON string in `Message`.
  if (doc.Type === 'Notification' && typeof doc.Message === 'string' && depth === 0) {
    let inner: unknown;
    try {
      inner = JSON.parse(doc.Message);
    } catch (cause) {
      throw new NotificationParseError('SNS Message is not JSON', { topicArn: doc.TopicArn }, { cause });
    }
    return parseDocument(inner, depth + 1);
  }
  if (Array.isArray(doc.Records)) return { kind: 'objects', objects: doc.Records.map(parseS3Record) };
  if (doc.source === 'aws.s3' && isObject(doc.detail)) return parseEventBridge(doc);
  throw new NotificationParseError('unknown notification envelope', { keys: Object.keys(doc).slice(0, 8) });
}

function parseS3Record(record: unknown, index: number): ObjectNotice {
  if (!isObject(record) || !isObject(record.s3)) {
    throw new NotificationParseError('S3 event record has no s3 field', { index });
  }
  const { bucket, object } = record.s3;
  if (
    !isObject(bucket) ||
    typeof bucket.name !== 'string' ||
    !isObject(object) ||
    typeof object.key !== 'string'
  ) {
    throw new NotificationParseError('S3 event record lacks bucket name or object key', { index });
  }
  return {
    bucket: bucket.name,
    key: decodeS3EventKey(object.key),
    size: typeof object.size === 'number' ? object.size : 0,
    etag: typeof object.eTag === 'string' ? object.eTag : undefined,
    eventName: typeof record.eventName === 'string' ? record.eventName : 'ObjectCreated:Put',
    eventTime: typeof record.eventTime === 'string' ? record.eventTime : undefined,
  };
}

function parseEventBridge(doc: Json): ParsedNotification {
  const detail = doc.detail as Json;
  const { bucket, object } = detail;
  if (
    !isObject(bucket) ||
    typeof bucket.name !== 'string' ||
    !isObject(object) ||
    typeof object.key !== 'string'
  ) {
    throw new NotificationParseError('EventBridge S3 event lacks bucket name or object key');
  }
  const detailType = String(doc['detail-type'] ?? '');
  return {
    kind: 'objects',
    objects: [
      {
        bucket: bucket.name,
        // EventBridge delivers keys as stored, not URL-encoded: decoding them would corrupt `+` and `%`.
        key: object.key,
        size: typeof object.size === 'number' ? object.size : 0,
        etag: typeof object.etag === 'string' ? object.etag : undefined,
        eventName: detailType === 'Object Created' ? 'ObjectCreated:EventBridge' : detailType,
        eventTime: typeof doc.time === 'string' ? doc.time : undefined,
      },
    ],
  };
}

/** Whether a notice is for a newly created object (the only kind addapart registers). */
export function isObjectCreated(notice: ObjectNotice): boolean {
  return notice.eventName.startsWith('ObjectCreated') || notice.eventName.startsWith('s3:ObjectCreated');
}
