import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buffer } from 'node:stream/consumers';
import { CreateBucketCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AwsClients } from '../../lake/aws/awsClients.ts';
import { S3ObjectStore } from '../../lake/aws/s3ObjectStore.ts';
import { ObjectNotFoundError } from '../../lake/errors.ts';
import { motoClients, resetMoto } from './motoFixture.ts';

describe('S3ObjectStore on moto', () => {
  let clients: AwsClients;
  const dirs: string[] = [];

  beforeEach(async () => {
    await resetMoto();
    clients = motoClients();
    await clients.s3.send(new CreateBucketCommand({ Bucket: 'bucket' }));
  });
  afterAll(async () => {
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it('puts, gets, streams, heads and deletes objects under its prefix', async () => {
    // prepare
    const store = new S3ObjectStore(clients.s3, { bucket: 'bucket', prefix: '_loglake/' });
    const whole = new S3ObjectStore(clients.s3, { bucket: 'bucket' });
    // act
    await store.put('runs/a b+c.json', '{"ok":true}', { contentType: 'application/json' });
    const text = new TextDecoder().decode(await store.get('runs/a b+c.json'));
    const streamed = (await buffer(await store.getStream('runs/a b+c.json'))).toString();
    const info = await store.head('runs/a b+c.json');
    const underBucket = await whole.head('_loglake/runs/a b+c.json');
    await store.delete('runs/a b+c.json');
    // assess
    expect(text).toBe('{"ok":true}');
    expect(streamed).toBe('{"ok":true}');
    expect(info).toMatchObject({ key: 'runs/a b+c.json', size: 11 });
    expect(underBucket?.size).toBe(11);
    expect(await store.head('runs/a b+c.json')).toBeUndefined();
    expect(store.uri('runs/x.json')).toBe('s3://bucket/_loglake/runs/x.json');
    expect(store.location).toBe('s3://bucket/_loglake/');
  });

  it('maps NoSuchKey to ObjectNotFoundError for get and getStream', async () => {
    // prepare
    const store = new S3ObjectStore(clients.s3, { bucket: 'bucket' });
    // act, assess (each awaited at once: a second pending rejection would go unhandled)
    await expect(store.get('missing/key')).rejects.toBeInstanceOf(ObjectNotFoundError);
    await expect(store.getStream('missing/key')).rejects.toMatchObject({
      name: 'ObjectNotFoundError',
      key: 'missing/key',
    });
  });

  it('lists in key order across pages, relative to its prefix, and resumes after a key', async () => {
    // prepare
    const store = new S3ObjectStore(clients.s3, { bucket: 'bucket', prefix: 'p/', pageSize: 7 });
    const keys = Array.from({ length: 23 }, (_, i) => `logs/${String(i).padStart(3, '0')}.json`);
    await Promise.all(keys.map((k) => store.put(k, k)));
    await store.put('other/x.json', 'x');
    // act
    const listed: string[] = [];
    for await (const o of store.list('logs/')) listed.push(o.key);
    const resumed: string[] = [];
    for await (const o of store.list('logs/', { startAfter: 'logs/019.json' })) resumed.push(o.key);
    // assess
    expect(listed).toEqual(keys);
    expect(resumed).toEqual(['logs/020.json', 'logs/021.json', 'logs/022.json']);
  });

  it('uploads a big file in parts and a small one in one request', async () => {
    // prepare
    const dir = await mkdtemp(join(tmpdir(), 'loglake-s3-'));
    dirs.push(dir);
    const big = randomBytes(11 * 1024 * 1024);
    await writeFile(join(dir, 'big.parquet'), big);
    await writeFile(join(dir, 'small.parquet'), 'tiny');
    const store = new S3ObjectStore(clients.s3, { bucket: 'bucket', partSize: 5 * 1024 * 1024 });
    // act
    await store.putFile('t/big.parquet', join(dir, 'big.parquet'));
    await store.putFile('t/small.parquet', join(dir, 'small.parquet'));
    // assess
    const info = await store.head('t/big.parquet');
    expect(info?.size).toBe(big.length);
    // A multipart object's ETag is `"<md5 of part md5s>-<parts>"`.
    expect(info?.etag).toMatch(/-3"$/);
    expect(Buffer.from(await store.get('t/big.parquet')).equals(big)).toBe(true);
    expect(new TextDecoder().decode(await store.get('t/small.parquet'))).toBe('tiny');
    const open = await clients.s3.send(new ListMultipartUploadsCommand({ Bucket: 'bucket' }));
    expect(open.Uploads ?? []).toHaveLength(0);
  });

  it('writes conditionally: once if absent, and only over the ETag it read', async () => {
    // prepare
    const store = new S3ObjectStore(clients.s3, { bucket: 'bucket' });
    // act
    const first = await store.putIfAbsent('m/k', 'one');
    const second = await store.putIfAbsent('m/k', 'two');
    const read = await store.getText('m/k');
    const swapped = await store.putIfMatch('m/k', 'three', read!.etag);
    const stale = await store.putIfMatch('m/k', 'four', read!.etag);
    // assess
    expect([first, second, swapped, stale]).toEqual([true, false, true, false]);
    expect((await store.getText('m/k'))?.text).toBe('three');
    expect(await store.getText('m/missing')).toBeUndefined();
  });
});
