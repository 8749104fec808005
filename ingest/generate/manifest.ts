import type { BadFile } from './badFiles.ts';
import type { CloudTrailFile } from './cloudtrailFiles.ts';
import type { CloudWatchFile } from './cloudwatchFiles.ts';
import type { SkipFile } from './skipFiles.ts';
import type { GeneratedFile, GeneratedManifest, GeneratedSession } from './types.ts';

/** A manifest with no files counted yet; the sessions are known from the plan. */
export function emptyManifest(seed: number, sessions: GeneratedSession[]): GeneratedManifest {
  const manifest: GeneratedManifest = {
    seed,
    files: { cloudtrail: 0, cloudwatch: 0, bad: 0, skip: 0, total: 0 },
    bytes: { cloudtrail: { compressed: 0, uncompressed: 0 }, cloudwatch: { compressed: 0, uncompressed: 0 } },
    events: {
      cloudtrailRecords: 0,
      cloudwatchLogEvents: 0,
      controlMessages: 0,
      byEventName: {},
      accessDenied: 0,
    },
    sessions,
    bad: [],
    skipped: [],
  };
  return manifest;
}

/**
 * Counts each file into the manifest as it is handed out, so the manifest always describes exactly
 * the files yielded so far.
 */
export class ManifestRecorder {
  constructor(private readonly manifest: GeneratedManifest) {
    // Iterating again regenerates the same files; start the counts over rather than doubling them.
    // Reset in place, so references callers took to the nested objects stay live.
    const fresh = emptyManifest(manifest.seed, manifest.sessions);
    Object.assign(manifest.files, fresh.files);
    Object.assign(manifest.bytes.cloudtrail, fresh.bytes.cloudtrail);
    Object.assign(manifest.bytes.cloudwatch, fresh.bytes.cloudwatch);
    const { byEventName, ...counts } = fresh.events;
    Object.assign(manifest.events, counts);
    for (const name of Object.keys(manifest.events.byEventName)) delete manifest.events.byEventName[name];
    manifest.bad.length = 0;
    manifest.skipped.length = 0;
  }

  cloudtrail(file: CloudTrailFile): GeneratedFile {
    const { files, bytes, events } = this.manifest;
    files.cloudtrail++;
    files.total++;
    bytes.cloudtrail.compressed += file.body.length;
    bytes.cloudtrail.uncompressed += file.raw.length;
    events.cloudtrailRecords += file.records.length;
    for (const record of file.records) {
      events.byEventName[record.eventName] = (events.byEventName[record.eventName] ?? 0) + 1;
      if (record.errorCode === 'AccessDenied') events.accessDenied++;
    }
    return { key: file.key, body: file.body, kind: 'cloudtrail' };
  }

  cloudwatch(file: CloudWatchFile): GeneratedFile {
    const { files, bytes, events } = this.manifest;
    files.cloudwatch++;
    files.total++;
    bytes.cloudwatch.compressed += file.body.length;
    bytes.cloudwatch.uncompressed += file.uncompressedBytes;
    events.cloudwatchLogEvents += file.logEvents;
    events.controlMessages += file.controlMessages;
    return { key: file.key, body: file.body, kind: 'cloudwatch' };
  }

  bad(file: BadFile): GeneratedFile {
    this.manifest.files.bad++;
    this.manifest.files.total++;
    this.manifest.bad.push({ key: file.key, kind: file.kind });
    return { key: file.key, body: file.body, kind: 'bad' };
  }

  skip(file: SkipFile): GeneratedFile {
    this.manifest.files.skip++;
    this.manifest.files.total++;
    this.manifest.skipped.push(file.key);
    return { key: file.key, body: file.body, kind: 'skip' };
  }

  /** Uncompressed bytes of good files so far, per source. */
  uncompressed(): { cloudtrail: number; cloudwatch: number } {
    const { bytes } = this.manifest;
    return { cloudtrail: bytes.cloudtrail.uncompressed, cloudwatch: bytes.cloudwatch.uncompressed };
  }
}
