import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import {
  type GeneratedFile,
  type GeneratedManifest,
  type GenerateOptions,
  generate,
  generateToDirectory,
} from '../../ingest/generate/index.ts';

// Decoding helpers written here on purpose: the test must not trust the code it checks.

interface Envelope {
  messageType: string;
  owner: string;
  logGroup: string;
  logStream: string;
  subscriptionFilters: string[];
  logEvents: { id: string; timestamp: number; message: string }[];
}

interface TrailRecord {
  eventVersion: string;
  eventTime: string;
  eventName: string;
  eventSource: string;
  awsRegion: string;
  eventID: string;
  eventType: string;
  readOnly: boolean;
  managementEvent: boolean;
  eventCategory: string;
  recipientAccountId: string;
  errorCode?: string;
  userIdentity: {
    type?: string;
    arn?: string;
    sessionContext?: { attributes?: { mfaAuthenticated?: unknown }; sourceIdentity?: string };
  };
  requestParameters: Record<string, unknown> | null;
  responseElements: Record<string, unknown> | null;
}

/** Splits concatenated JSON documents, stepping over strings and their escapes. */
function splitDocuments(text: string): string[] {
  const docs: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{' || c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) docs.push(text.slice(start, i + 1));
    } else if (depth === 0 && c !== undefined && !/\s/.test(c)) {
      throw new SyntaxError(`stray ${JSON.stringify(c)} at ${i}`);
    }
  }
  if (depth !== 0 || inString) throw new SyntaxError('unterminated document');
  return docs;
}

/** Counts gzip members by inflating each one and skipping its 8-byte trailer. */
function gzipMembers(body: Uint8Array): number {
  const buf = Buffer.from(body);
  let offset = 0;
  let members = 0;
  while (offset < buf.length) {
    expect(buf[offset]).toBe(0x1f);
    expect(buf[offset + 1]).toBe(0x8b);
    expect(buf[offset + 3]).toBe(0); // no optional header fields
    const { engine } = inflateRawSync(buf.subarray(offset + 10), { info: true }) as unknown as {
      engine: { bytesWritten: number };
    };
    offset += 10 + engine.bytesWritten + 8;
    members++;
  }
  expect(offset).toBe(buf.length);
  return members;
}

function decodeFirehose(body: Uint8Array): Envelope[] {
  return splitDocuments(gunzipSync(body).toString('utf8')).map((doc) => JSON.parse(doc) as Envelope);
}

function decodeTrail(body: Uint8Array): TrailRecord[] {
  return (JSON.parse(gunzipSync(body).toString('utf8')) as { Records: TrailRecord[] }).Records;
}

function build(opts?: GenerateOptions): { files: GeneratedFile[]; manifest: GeneratedManifest } {
  const { files, manifest } = generate(opts);
  return { files: [...files], manifest };
}

const day = (iso: string): string => iso.slice(0, 10);
const keyDay = (key: string): string => {
  const m = /\/(\d{4})\/(\d{2})\/(\d{2})\//.exec(key);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : '';
};

const CLOUDTRAIL_KEY =
  /^cloudtrail\/\/?AWSLogs\/(o-[a-z0-9]{10})\/(\d{12})\/CloudTrail\/([a-z0-9-]+)\/(\d{4})\/(\d{2})\/(\d{2})\/\2_CloudTrail_\3_\4\5\6T\d{4}Z_[0-9a-f]{16}\.json\.gz$/;
const FIREHOSE_KEY =
  /^cloudwatch\/sessionlogs\/(\d{4})\/(\d{2})\/(\d{2})\/(\d{2})\/loglake-sessionlogs-stream-1-\1-\2-\3-\4-[0-5]\d-[0-5]\d-[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const DIGEST_KEY =
  /^cloudtrail\/AWSLogs\/o-[a-z0-9]{10}\/(\d{12})\/CloudTrail-Digest\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail-Digest_\2_[\w-]+_\2_\d{8}T\d{6}Z\.json\.gz$/;
const INSIGHT_KEY =
  /^cloudtrail\/AWSLogs\/o-[a-z0-9]{10}\/(\d{12})\/CloudTrail-Insight\/([a-z0-9-]+)\/\d{4}\/\d{2}\/\d{2}\/\1_CloudTrail-Insight_\2_\d{8}T\d{4}Z_[0-9a-f]{16}\.json\.gz$/;
const CHECK_KEY = /^cloudtrail\/AWSLogs\/o-[a-z0-9]{10}\/\d{12}\/ConfigWritabilityCheckFile$/;

const base = build();

describe('generate', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const again = build();
    expect(again.files.map((f) => f.key)).toEqual(base.files.map((f) => f.key));
    again.files.forEach((f, i) => {
      expect(Buffer.from(f.body).equals(Buffer.from(base.files[i]?.body ?? []))).toBe(true);
    });
    expect(again.manifest).toEqual(base.manifest);

    const other = build({ seed: 2 });
    expect(other.files.map((f) => f.key)).not.toEqual(base.files.map((f) => f.key));
    const firstTrail = (set: typeof base) =>
      set.files.find((f) => f.kind === 'cloudtrail')?.body ?? new Uint8Array();
    expect(Buffer.from(firstTrail(other)).equals(Buffer.from(firstTrail(base)))).toBe(false);
  });

  it('is small and quick with the defaults', () => {
    const start = performance.now();
    build();
    expect(performance.now() - start).toBeLessThan(1000);
    expect(base.manifest.files.total).toBeGreaterThanOrEqual(20);
    expect(base.manifest.files.total).toBeLessThan(100);
    const events = base.manifest.events.cloudtrailRecords + base.manifest.events.cloudwatchLogEvents;
    expect(events).toBeGreaterThan(2000);
    expect(events).toBeLessThan(10_000);
  });

  it('counts in the manifest exactly what the files decode to', () => {
    const { files, manifest } = base;
    const kinds = { cloudtrail: 0, cloudwatch: 0, bad: 0, skip: 0 };
    const bytes = {
      cloudtrail: { compressed: 0, uncompressed: 0 },
      cloudwatch: { compressed: 0, uncompressed: 0 },
    };
    let records = 0;
    let logEvents = 0;
    let control = 0;
    let accessDenied = 0;
    const byEventName: Record<string, number> = {};
    for (const file of files) {
      kinds[file.kind]++;
      if (file.kind === 'cloudtrail') {
        bytes.cloudtrail.compressed += file.body.length;
        bytes.cloudtrail.uncompressed += gunzipSync(file.body).length;
        for (const r of decodeTrail(file.body)) {
          records++;
          byEventName[r.eventName] = (byEventName[r.eventName] ?? 0) + 1;
          if (r.errorCode === 'AccessDenied') accessDenied++;
        }
      } else if (file.kind === 'cloudwatch') {
        bytes.cloudwatch.compressed += file.body.length;
        bytes.cloudwatch.uncompressed += gunzipSync(file.body).length;
        for (const e of decodeFirehose(file.body)) {
          if (e.messageType === 'CONTROL_MESSAGE') control++;
          else logEvents += e.logEvents.length;
        }
      }
    }
    expect(manifest.files).toEqual({ ...kinds, total: files.length });
    expect(manifest.bytes).toEqual(bytes);
    expect(manifest.events).toEqual({
      cloudtrailRecords: records,
      cloudwatchLogEvents: logEvents,
      controlMessages: control,
      byEventName,
      accessDenied,
    });
    expect(control).toBeGreaterThan(0);
    expect(accessDenied).toBeGreaterThan(0);
    for (const name of [
      'StartSession',
      'ResumeSession',
      'TerminateSession',
      'AssumeRole',
      'AssumeRoleWithSAML',
    ]) {
      expect(byEventName[name], name).toBeGreaterThan(0);
    }
    expect(byEventName.ConsoleLogin).toBeGreaterThan(0);
  });

  it('recounts rather than doubles when files are iterated twice', () => {
    const { files, manifest } = generate();
    for (const _ of files);
    const first = structuredClone(manifest);
    for (const _ of files);
    expect(manifest).toEqual(first);
  });

  it('ties every StartSession to its CloudWatch session messages', () => {
    const { files, manifest } = base;
    const trail = files.filter((f) => f.kind === 'cloudtrail').flatMap((f) => decodeTrail(f.body));
    const starts = trail.filter((r) => r.eventName === 'StartSession');
    expect(starts).toHaveLength(10);
    expect(manifest.sessions.map((s) => s.sessionId).sort()).toEqual(
      starts.map((r) => r.responseElements?.sessionId as string).sort(),
    );
    expect(new Set(manifest.sessions.map((s) => s.account)).size).toBe(3);
    expect(new Set(manifest.sessions.map((s) => day(s.startTime))).size).toBe(2);

    const ids = new Set(manifest.sessions.map((s) => s.sessionId));
    for (const r of trail.filter(
      (r) => r.eventName === 'ResumeSession' || r.eventName === 'TerminateSession',
    )) {
      expect(ids.has(r.requestParameters?.sessionId as string)).toBe(true);
      expect(r.responseElements?.sessionId).toBe(r.requestParameters?.sessionId);
    }

    const seen = new Map<string, { events: number; lines: number }>();
    const messages: { sessionId: string; timestamp: number; eventTime: string; lines: string[] }[] = [];
    for (const file of files.filter((f) => f.kind === 'cloudwatch')) {
      for (const e of decodeFirehose(file.body)) {
        if (e.logGroup !== '/aws/ssm/sessionlogs') continue;
        for (const ev of e.logEvents) {
          const m = JSON.parse(ev.message) as { sessionId: string; eventTime: string; sessionData: string[] };
          expect(m.sessionId).toBe(e.logStream);
          const s = seen.get(m.sessionId) ?? { events: 0, lines: 0 };
          s.events++;
          s.lines += m.sessionData.length;
          seen.set(m.sessionId, s);
          messages.push({
            sessionId: m.sessionId,
            timestamp: ev.timestamp,
            eventTime: m.eventTime,
            lines: m.sessionData,
          });
          expect(m.sessionData.length).toBeGreaterThanOrEqual(1);
          expect(m.sessionData.length).toBeLessThanOrEqual(6);
        }
      }
    }
    for (const session of manifest.sessions) {
      expect(session.sessionId).toMatch(/^[\w.@-]+-0[0-9a-f]{16}$/);
      const start = starts.find((r) => r.responseElements?.sessionId === session.sessionId);
      expect(start?.eventTime).toBe(session.startTime);
      expect(start?.userIdentity.arn).toBe(session.principalArn);
      expect(start?.userIdentity.sessionContext?.sourceIdentity ?? null).toBe(session.sourceIdentity);
      expect(start?.requestParameters?.target).toBe(session.target);
      expect(start?.recipientAccountId).toBe(session.account);
      expect(start?.awsRegion).toBe(session.region);
      expect(String(start?.responseElements?.streamUrl)).toContain(
        `wss://ssmmessages.${session.region}.amazonaws.com/v1/data-channel/${session.sessionId}?role=publish_subscribe`,
      );
      expect(session.logEvents).toBeGreaterThanOrEqual(1);
      expect(session.logEvents).toBeLessThanOrEqual(8);
      expect(seen.get(session.sessionId)).toEqual({ events: session.logEvents, lines: session.lines });
      const startMs = Date.parse(session.startTime);
      for (const m of messages.filter((m) => m.sessionId === session.sessionId)) {
        expect(m.timestamp).toBeGreaterThanOrEqual(startMs);
        expect(day(new Date(m.timestamp).toISOString())).toBe(day(session.startTime));
        expect(m.eventTime).toBe(`${new Date(m.timestamp).toISOString().slice(0, 19)}Z`);
      }
    }
    expect(seen.size).toBe(manifest.sessions.length);

    const lines = messages.flatMap((m) => m.lines);
    expect(lines.some((l) => l.includes('}{'))).toBe(true);
    expect(lines.some((l) => l.includes('"'))).toBe(true);
    expect(lines.some((l) => l.includes('\\'))).toBe(true);
  });

  it('writes Firehose files as multi-member gzip of concatenated envelopes', () => {
    const firehose = base.files.filter((f) => f.kind === 'cloudwatch');
    for (const file of firehose) {
      const members = gzipMembers(file.body);
      expect(members).toBeGreaterThanOrEqual(2);
      expect(members).toBeLessThanOrEqual(4);
      const text = gunzipSync(file.body).toString('utf8');
      expect(text).toContain('}{"messageType":');
      expect(text.includes('\n{')).toBe(false);
    }
    const control = firehose
      .flatMap((f) => decodeFirehose(f.body))
      .find((e) => e.messageType === 'CONTROL_MESSAGE');
    expect(control).toMatchObject({
      owner: 'CloudwatchLogs',
      logGroup: '',
      logStream: '',
      subscriptionFilters: [],
    });
    expect(control?.logEvents[0]?.message).toBe(
      'CWL CONTROL MESSAGE: Checking health of destination Firehose.',
    );
    const data = firehose
      .flatMap((f) => decodeFirehose(f.body))
      .filter((e) => e.messageType === 'DATA_MESSAGE');
    expect(new Set(data.map((e) => e.logGroup)).size).toBeGreaterThan(1);
    for (const e of data) {
      expect(e.owner).toMatch(/^\d{12}$/);
      for (const ev of e.logEvents) expect(ev.id).toMatch(/^\d{56}$/);
      // The time in milliseconds above bit 144, and the events of one delivery one apart below it.
      const ids = e.logEvents.map((ev) => BigInt(ev.id));
      e.logEvents.forEach((ev, i) => {
        expect(ids[i]! >> 144n).toBe(BigInt(ev.timestamp));
        if (i > 0)
          expect(ids[i]! - ids[i - 1]!).toBe(
            (BigInt(ev.timestamp - e.logEvents[i - 1]!.timestamp) << 144n) + 1n,
          );
      });
    }
  });

  it('names every object after the layouts loglake must parse', () => {
    const { files, manifest } = base;
    let doubled = 0;
    for (const file of files.filter((f) => f.kind === 'cloudtrail')) {
      const m = CLOUDTRAIL_KEY.exec(file.key);
      expect(m, file.key).not.toBeNull();
      if (file.key.includes('//')) doubled++;
      for (const r of decodeTrail(file.body)) {
        expect(day(r.eventTime)).toBe(keyDay(file.key));
        expect(r.eventTime).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        expect(r.recipientAccountId).toBe(m?.[2]);
        expect(r.awsRegion).toBe(m?.[3]);
        expect(['1.08', '1.09']).toContain(r.eventVersion);
        expect(typeof r.readOnly).toBe('boolean');
        expect(r.managementEvent).toBe(true);
        expect(r.eventCategory).toBe('Management');
        const mfa = r.userIdentity.sessionContext?.attributes?.mfaAuthenticated;
        if (mfa !== undefined) expect(['true', 'false']).toContain(mfa);
      }
    }
    expect(doubled).toBe(1);
    for (const file of files.filter((f) => f.kind === 'cloudwatch')) {
      expect(file.key, file.key).toMatch(FIREHOSE_KEY);
      for (const e of decodeFirehose(file.body)) {
        for (const ev of e.logEvents)
          expect(day(new Date(ev.timestamp).toISOString())).toBe(keyDay(file.key));
      }
    }
    const skipped = files.filter((f) => f.kind === 'skip').map((f) => f.key);
    expect(skipped).toEqual(manifest.skipped);
    expect(skipped.filter((k) => DIGEST_KEY.test(k))).toHaveLength(1);
    expect(skipped.filter((k) => INSIGHT_KEY.test(k))).toHaveLength(1);
    expect(skipped.filter((k) => CHECK_KEY.test(k))).toHaveLength(1);
    expect(new Set(files.map((f) => f.key)).size).toBe(files.length);
  });

  it('produces identity types and event types of real trails', () => {
    const trail = base.files.filter((f) => f.kind === 'cloudtrail').flatMap((f) => decodeTrail(f.body));
    const types = new Set(trail.map((r) => r.userIdentity.type));
    for (const t of ['AssumedRole', 'IAMUser', 'Root', 'AWSService', 'FederatedUser', 'SAMLUser']) {
      expect(types.has(t), t).toBe(true);
    }
    expect(new Set(trail.map((r) => r.eventType))).toEqual(
      new Set(['AwsApiCall', 'AwsConsoleSignIn', 'AwsServiceEvent']),
    );
    expect(new Set(trail.map((r) => r.eventID)).size).toBe(trail.length);
    const saml = trail.find((r) => r.eventName === 'AssumeRoleWithSAML');
    expect(saml?.userIdentity.type).toBe('SAMLUser');
    const login = trail.find(
      (r) => r.eventName === 'ConsoleLogin' && r.responseElements?.ConsoleLogin === 'Success',
    );
    expect(login?.eventType).toBe('AwsConsoleSignIn');
  });

  it('makes each bad file fail the way its kind says', () => {
    const bad = base.files.filter((f) => f.kind === 'bad');
    expect(bad.map((f) => f.key)).toEqual(base.manifest.bad.map((b) => b.key));
    expect(base.manifest.bad.map((b) => b.kind)).toEqual([
      'truncated-gzip',
      'invalid-json',
      'unknown-envelope',
    ]);
    const [truncated, invalid, unknown] = bad;
    expect(truncated?.key).toMatch(CLOUDTRAIL_KEY);
    expect(() => gunzipSync(truncated?.body ?? new Uint8Array())).toThrow();
    expect(invalid?.key).toMatch(FIREHOSE_KEY);
    expect(() => decodeFirehose(invalid?.body ?? new Uint8Array())).toThrow();
    expect(unknown?.key).toMatch(FIREHOSE_KEY);
    const envelopes = decodeFirehose(unknown?.body ?? new Uint8Array());
    expect(envelopes.map((e) => e.messageType)).toEqual(['SOMETHING_ELSE']);

    const none = build({ badFiles: false });
    expect(none.manifest.files.bad).toBe(0);
    expect(none.manifest.bad).toEqual([]);
    expect(none.manifest.events).toEqual(base.manifest.events);
  });

  it('grows both sources to targetBytesPerSource, keeping the base files first', () => {
    const target = 3_000_000;
    const big = build({ targetBytesPerSource: target });
    const { bytes } = big.manifest;
    expect(bytes.cloudtrail.uncompressed).toBeGreaterThanOrEqual(target);
    expect(bytes.cloudwatch.uncompressed).toBeGreaterThanOrEqual(target);
    expect(bytes.cloudtrail.uncompressed).toBeLessThan(target * 1.5);
    expect(bytes.cloudwatch.uncompressed).toBeLessThan(target * 1.2);
    expect(big.files.slice(0, base.files.length).map((f) => f.key)).toEqual(base.files.map((f) => f.key));
    let uncompressed = 0;
    for (const f of big.files.filter((f) => f.kind === 'cloudwatch'))
      uncompressed += gunzipSync(f.body).length;
    expect(uncompressed).toBe(bytes.cloudwatch.uncompressed);
    expect(big.manifest.sessions).toEqual(base.manifest.sessions);
  });

  it('scales ordinary events with extraFiller and honours prefixes and the session log group', () => {
    const more = build({ extraFiller: 2, sessions: 4, accounts: 1, days: 1 });
    const less = build({ extraFiller: 0, sessions: 4, accounts: 1, days: 1 });
    expect(more.manifest.events.cloudtrailRecords).toBeGreaterThan(
      2 * less.manifest.events.cloudtrailRecords,
    );
    expect(more.manifest.events.cloudwatchLogEvents).toBeGreaterThan(
      2 * less.manifest.events.cloudwatchLogEvents,
    );
    expect(more.manifest.events.byEventName.StartSession).toBe(4);

    const custom = build({
      cloudtrailPrefix: 'org/trail',
      firehosePrefix: 'fh',
      sessionLogGroup: '/custom/ssm',
      orgId: 'o-exampleorg1',
      regions: ['ap-southeast-2'],
      startDate: '2027-02-28',
      days: 2,
    });
    for (const f of custom.files) {
      if (f.kind === 'cloudtrail')
        expect(f.key).toMatch(
          /^org\/trail\/\/?AWSLogs\/o-exampleorg1\/\d{12}\/CloudTrail\/ap-southeast-2\/2027\/0[23]\//,
        );
      if (f.kind === 'cloudwatch')
        expect(f.key).toMatch(/^fh\/2027\/0[23]\/\d{2}\/\d{2}\/loglake-sessionlogs-stream-1-/);
    }
    const groups = custom.files
      .filter((f) => f.kind === 'cloudwatch')
      .flatMap((f) => decodeFirehose(f.body).map((e) => e.logGroup));
    expect(groups).toContain('/custom/ssm');
    expect(groups).not.toContain('/aws/ssm/sessionlogs');
  });

  it('rejects options that cannot work', () => {
    expect(() => generate({ accounts: 0 })).toThrow(RangeError);
    expect(() => generate({ startDate: '2026/11/01' })).toThrow(RangeError);
    expect(() => generate({ regions: [] })).toThrow(RangeError);
    expect(() => generate({ sessions: 1.5 })).toThrow(RangeError);
  });

  it('writes files and the manifest to a folder', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loglake-generate-'));
    try {
      const manifest = await generateToDirectory(dir, { accounts: 1, days: 1, sessions: 2 });
      const written = JSON.parse(await readFile(join(dir, '_manifest.json'), 'utf8')) as GeneratedManifest;
      expect(written).toEqual(manifest);
      const { files } = build({ accounts: 1, days: 1, sessions: 2 });
      for (const file of files) {
        expect((await stat(join(dir, file.key))).size).toBe(file.body.length);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
