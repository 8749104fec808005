import { describe, expect, it } from 'vitest';
import { decodeS3EventKey } from '../../addapart/decodeKey.ts';
import { parseNotification } from '../../addapart/notifications.ts';
import { encodeS3EventKey, s3EventBody } from '../../lake/embedded/notifyingObjectStore.ts';
import { NotificationParseError } from '../../lake/errors.ts';
import { fixtureText } from '../helpers/fixtures.ts';

const CT_KEY =
  'cloudtrail/AWSLogs/o-a1b2c3d4e5/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz';

describe('parseNotification', () => {
  it('reads a direct S3 event', () => {
    const parsed = parseNotification(fixtureText('notifications/s3-put.json'));
    expect(parsed).toEqual({
      kind: 'objects',
      objects: [
        {
          bucket: 'org-trail-logs',
          key: CT_KEY,
          size: 10240,
          etag: 'd41d8cd98f00b204e9800998ecf8427e',
          eventName: 'ObjectCreated:Put',
          eventTime: '2026-11-01T08:20:11.123Z',
        },
      ],
    });
  });

  it('unwraps an SNS notification to the same result', () => {
    expect(parseNotification(fixtureText('notifications/sns-wrapped.json'))).toEqual(
      parseNotification(fixtureText('notifications/s3-put.json')),
    );
  });

  it('reads an EventBridge Object Created event without decoding its key', () => {
    const parsed = parseNotification(fixtureText('notifications/eventbridge-object-created.json'));
    expect(parsed.kind).toBe('objects');
    if (parsed.kind !== 'objects') return;
    expect(parsed.objects[0]?.key).toBe(
      'cloudwatch/sessionlogs/2026/11/01/08/loglake-sessionlogs-stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b',
    );
    expect(parsed.objects[0]?.bucket).toBe('org-trail-logs');
    expect(parsed.objects[0]?.eventName).toBe('ObjectCreated:EventBridge');
  });

  it('acknowledges s3:TestEvent', () => {
    expect(parseNotification(fixtureText('notifications/s3-test-event.json'))).toEqual({ kind: 'test' });
  });

  it.each([
    ['not JSON', '{"Records": ['],
    ['unknown envelope', '{"hello":"world"}'],
    ['record without s3', '{"Records":[{"eventName":"ObjectCreated:Put"}]}'],
    ['SNS with non-JSON message', '{"Type":"Notification","Message":"plain text"}'],
    ['an array', '[1,2]'],
  ])('rejects %s with a NotificationParseError', (_name, body) => {
    expect(() => parseNotification(body)).toThrow(NotificationParseError);
  });
});

describe('decodeS3EventKey', () => {
  it.each([
    ['a+b.json', 'a b.json'],
    ['dt%3D2026-11-01/x', 'dt=2026-11-01/x'],
    ['AWSLogs%2F111122223333%2FCloudTrail', 'AWSLogs/111122223333/CloudTrail'],
    ['c%2B%2B.json', 'c++.json'],
    ['plain/key', 'plain/key'],
  ])('decodes %s', (encoded, decoded) => {
    expect(decodeS3EventKey(encoded)).toBe(decoded);
  });

  it('rejects malformed percent-encoding', () => {
    expect(() => decodeS3EventKey('bad%E0%A4%A')).toThrow(NotificationParseError);
  });

  it('round-trips the embedded notifier encoding, so keys are decoded exactly once', () => {
    const key = 'odd prefix/AWSLogs/dt=1/c++ & more%.json';
    expect(decodeS3EventKey(encodeS3EventKey(key))).toBe(key);
    const parsed = parseNotification(s3EventBody('raw', key, 3, '"abc"'));
    expect(parsed.kind === 'objects' && parsed.objects[0]?.key).toBe(key);
  });
});
