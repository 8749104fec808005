import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { DecodeError } from '../../../../lake/errors.ts';
import { loadSources, parseSourceDefinition, type SourceDefinition } from '../../../../sources/loader.ts';
import { decodeFile } from '../../../../transform/decoders/js/decodeFile.ts';
import { compileProjector } from '../../../../transform/decoders/js/project.ts';
import {
  ACCEPTANCE_SESSION_ID,
  ACCEPTANCE_T0,
  acceptanceFirehoseFile,
  controlMessage,
} from '../../../helpers/firehose.ts';
import { fixtureText } from '../../../helpers/fixtures.ts';

let cloudtrail: SourceDefinition;
let cloudwatch: SourceDefinition;
beforeAll(async () => {
  const sources = await loadSources();
  cloudtrail = sources.find((s) => s.name === 'cloudtrail')!;
  cloudwatch = sources.find((s) => s.name === 'cloudwatch')!;
});

const rows = (d: Awaited<ReturnType<typeof decodeFile>>) =>
  [...d.rowsByDay.values()].flat().map((l) => JSON.parse(l) as Record<string, unknown>);

const SID = ACCEPTANCE_SESSION_ID;
const T0 = ACCEPTANCE_T0;
const firehoseFile = acceptanceFirehoseFile;

describe('decodeFile: Firehose CloudWatch Logs', () => {
  it('yields exactly the expected rows from 3 gzip members and 5 envelopes, one a CONTROL_MESSAGE', async () => {
    const key =
      'cloudwatch/sessionlogs/2026/11/01/08/stream-1-2026-11-01-08-15-02-0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
    const d = await decodeFile(firehoseFile(), key, cloudwatch, compileProjector(cloudwatch));
    expect(d.counts).toEqual({
      eventsIn: 6,
      rows: 5,
      skipped: { control_message: 1 },
      quarantined: 0,
      quarantinedByReason: {},
    });
    const r = rows(d);
    expect(r.map((x) => x.logeventid)).toEqual(
      [1, 2, 3, 4, 5].map((i) => `3700000000000000000000000000000000000000000000000000000${i}`),
    );
    expect(r[0]).toMatchObject({
      eventtime: '2026-11-01 08:15:09.000',
      owner: '111122223333',
      loggroup: '/aws/ssm/sessionlogs',
      logstream: SID,
      sessionid: SID,
      sessiondata: '$ sudo -i\n# id',
      target: 'i-0abc1234def567890',
      runasuser: 'ssm-user',
      useridentity_arn:
        'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/user03@example.com',
      source_key: key,
    });
    expect(r[1]?.sessiondata).toBe('# echo \'}{\' > /tmp/x\n# cat "/tmp/x" \\');
    // A plain-text message from another log group: kept as text, no session.
    expect(r[2]).toMatchObject({
      loggroup: '/aws/lambda/billing-export',
      message: 'START RequestId: 1 }{ not json',
    });
    expect(r[2]?.sessionid).toBeUndefined();
    // A session log event whose message is not JSON falls back to the log stream for its session id.
    expect(r[4]).toMatchObject({ sessionid: 'user09-0c0ffee0c0ffee001', message: 'not JSON at all' });
    expect(r[4]?.sessiondata).toBeUndefined();
  });

  it('does not depend on a file name suffix', async () => {
    const d = await decodeFile(firehoseFile(), 'no-suffix-at-all', cloudwatch, compileProjector(cloudwatch));
    expect(d.counts.rows).toBe(5);
  });

  it('quarantines invalid JSON and unknown envelopes as whole files', async () => {
    const p = compileProjector(cloudwatch);
    const bad = gzipSync(`${controlMessage(T0)}{"messageType":"DATA_MESSAGE","owner":`);
    await expect(decodeFile(bad, 'k', cloudwatch, p)).rejects.toMatchObject({ reason: 'invalid_json' });
    const unknown = gzipSync('{"messageType":"SOMETHING_ELSE","payload":1}');
    await expect(decodeFile(unknown, 'k', cloudwatch, p)).rejects.toMatchObject({
      reason: 'unknown_envelope',
    });
    const broken = gzipSync(`${controlMessage(T0)}{"messageType":"DATA_MESSAGE",}`);
    const err = await decodeFile(broken, 'k', cloudwatch, p).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DecodeError);
    expect((err as DecodeError).context.eventsDecoded).toBe(1);
  });
});

describe('decodeFile: CloudTrail', () => {
  it('projects records to the readready contract columns', async () => {
    const key =
      'AWSLogs/111122223333/CloudTrail/eu-west-1/2026/11/01/111122223333_CloudTrail_eu-west-1_20261101T0820Z_AbCdEfGh12345678.json.gz';
    const d = await decodeFile(
      gzipSync(fixtureText('cloudtrail/session-records.json')),
      key,
      cloudtrail,
      compileProjector(cloudtrail),
    );
    expect(d.counts).toMatchObject({ eventsIn: 4, rows: 4, quarantined: 0 });
    expect([...d.rowsByDay.keys()].sort()).toEqual(['2026-11-01', '2026-11-02']);
    const [start, terminate, denied, assume] = rows(d);
    expect(start).toMatchObject({
      eventtime: '2026-11-01 08:15:02.000',
      eventname: 'StartSession',
      eventsource: 'ssm.amazonaws.com',
      sessionid: SID,
      target: 'i-0abc1234def567890',
      readonly: false,
      managementevent: true,
      mfaauthenticated: true,
      sourceidentity: 'user03@example.com',
      useridentity_type: 'AssumedRole',
      sessionissuer_username: 'AWSReservedSSO_AdministratorAccess_0123456789abcdef',
      recipientaccountid: '111122223333',
      source_key: key,
    });
    expect(JSON.parse(String(start?.responseelements))).toMatchObject({ sessionId: SID });
    expect(JSON.parse(String(start?.resources))).toHaveLength(1);
    expect(terminate).toMatchObject({ eventname: 'TerminateSession', sessionid: SID });
    expect(denied).toMatchObject({
      errorcode: 'AccessDenied',
      useridentity_username: 'ops-engineer-07',
      readonly: true,
    });
    expect(denied?.sessionid).toBeUndefined();
    expect(denied?.requestparameters).toBeUndefined();
    expect(assume).toMatchObject({ eventname: 'AssumeRole', useridentity_invokedby: 'ec2.amazonaws.com' });
    expect(assume?.sessionid).toBeUndefined();
  });

  it('quarantines a single event of a wrong type or a bad time and keeps the rest', async () => {
    const doc = JSON.parse(fixtureText('cloudtrail/session-records.json')) as {
      Records: Record<string, unknown>[];
    };
    doc.Records[1]!.readOnly = 'maybe';
    doc.Records[2]!.eventTime = 'yesterday';
    const d = await decodeFile(
      Buffer.from(JSON.stringify(doc)),
      'k',
      cloudtrail,
      compileProjector(cloudtrail),
    );
    expect(d.counts).toEqual({
      eventsIn: 4,
      rows: 2,
      skipped: {},
      quarantined: 2,
      quarantinedByReason: { bad_type: 1, bad_time: 1 },
    });
    expect(d.rejected).toEqual([
      { index: 1, reason: 'bad_type', column: 'readonly' },
      { index: 2, reason: 'bad_time', column: undefined },
    ]);
  });

  it('quarantines huge events as too_large', async () => {
    const {
      rawTable: _r,
      readreadyTable: _t,
      keyRegex: _k,
      skipRegexes: _s,
      claimRegex: _c,
      origin: _o,
      ...def
    } = cloudtrail;
    const small = parseSourceDefinition({ ...def, decode: { ...def.decode, max_event_bytes: 3000 } }, 'test');
    const doc = JSON.parse(fixtureText('cloudtrail/session-records.json')) as {
      Records: Record<string, unknown>[];
    };
    doc.Records[3]!.requestParameters = { blob: 'x'.repeat(5000) };
    const d = await decodeFile(Buffer.from(JSON.stringify(doc)), 'k', small, compileProjector(small));
    expect(d.counts.quarantinedByReason).toEqual({ too_large: 1 });
    expect(d.counts.rows).toBe(3);
  });

  it('rejects a document without a Records array as an unknown envelope', async () => {
    await expect(
      decodeFile(Buffer.from('{"records":[]}'), 'k', cloudtrail, compileProjector(cloudtrail)),
    ).rejects.toMatchObject({
      reason: 'unknown_envelope',
    });
  });
});
