import { buildTrailFile, ordinaryRecords } from './cloudtrailFiles.ts';
import { FIREHOSE_STREAM, fillerEnvelopes } from './cloudwatchFiles.ts';
import { gzip } from './gzip.ts';
import { cloudtrailKey, firehoseKey } from './keys.ts';
import { dayStartMs, type ResolvedOptions } from './options.ts';
import { Prng } from './prng.ts';
import { MINUTE_MS } from './time.ts';
import type { GeneratedManifest } from './types.ts';
import type { AccountWorld, World } from './world.ts';

/** A file a reader must quarantine, and why. */
export interface BadFile {
  key: string;
  body: Uint8Array;
  kind: GeneratedManifest['bad'][number]['kind'];
}

/**
 * The three deliberately broken files: a CloudTrail file cut in the middle of its gzip stream, a
 * Firehose file whose JSON breaks off after a valid envelope, and a Firehose file with an envelope
 * type nobody knows. Their keys look like any other file's, so only decoding can tell.
 */
export function badFiles(options: ResolvedOptions, world: World): BadFile[] {
  const rng = new Prng(options.seed, 'bad');
  const account = world.accounts[0] as AccountWorld;
  const region = options.regions[0] as string;
  const noon = dayStartMs(options, 0) + 12 * 60 * MINUTE_MS;

  const trail = buildTrailFile(
    cloudtrailKey(
      { prefix: options.cloudtrailPrefix, orgId: options.orgId, account: account.id, region },
      noon + 13 * MINUTE_MS,
      rng.hex(16),
    ),
    noon + 13 * MINUTE_MS,
    ordinaryRecords(rng, world, account, region, 40, noon, noon + 10 * MINUTE_MS),
  );
  const truncated = trail.body.subarray(0, Math.floor(trail.body.length / 2));

  const valid = fillerEnvelopes(rng, world, 5, noon, noon + MINUTE_MS, false)
    .map((e) => e.json)
    .join('');
  const broken = `${valid}{"messageType":"DATA_MESSAGE","owner":${rng.hex(6)}\u0007]]} not json`;
  const unknown = JSON.stringify({ messageType: 'SOMETHING_ELSE', payload: 1 });
  const firehose = (minutes: number): string =>
    firehoseKey(options.firehosePrefix, FIREHOSE_STREAM, noon + minutes * MINUTE_MS, rng.uuid());

  return [
    { key: trail.key, body: truncated, kind: 'truncated-gzip' },
    { key: firehose(21), body: gzip(Buffer.from(broken)), kind: 'invalid-json' },
    { key: firehose(22), body: gzip(Buffer.from(unknown)), kind: 'unknown-envelope' },
  ];
}
