import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { quoteLiteral } from '../lake/sqlQuote.ts';
import { splitConcatenated } from '../transform/decoders/js/splitConcatenated.ts';
import type { NaiveJob, StepMeasure } from './childJob.ts';
import { dirBytes } from './dirBytes.ts';
import { measure } from './measure.ts';
import type { BenchSource } from './types.ts';

type Json = Record<string, unknown>;
type Row = Record<string, unknown>;

const obj = (v: unknown): Json => (typeof v === 'object' && v !== null ? (v as Json) : {});
const str = (v: unknown): string | null => (v == null ? null : typeof v === 'string' ? v : JSON.stringify(v));
const bool = (v: unknown): boolean | null => (v == null ? null : v === true || v === 'true');
const json = (v: unknown): string | null => (v == null ? null : JSON.stringify(v));
const iso = (v: string | number): string => new Date(v).toISOString();

/** Column types of the naive rows, for DuckDB's NDJSON reader. */
const TYPES: Record<BenchSource, Record<string, string>> = {
  cloudtrail: {
    eventtime: 'TIMESTAMP',
    readonly: 'BOOLEAN',
    managementevent: 'BOOLEAN',
    mfaauthenticated: 'BOOLEAN',
  },
  cloudwatch: { eventtime: 'TIMESTAMP' },
};

function cloudtrailRows(text: string, key: string): Row[] {
  const records = (JSON.parse(text) as { Records: Json[] }).Records;
  return records.map((r) => {
    const u = obj(r.userIdentity);
    const c = obj(u.sessionContext);
    const issuer = obj(c.sessionIssuer);
    const req = obj(r.requestParameters);
    const res = obj(r.responseElements);
    const ssm = r.eventSource === 'ssm.amazonaws.com';
    const name = r.eventName;
    const time = iso(r.eventTime as string);
    return {
      eventtime: time,
      eventid: str(r.eventID),
      eventversion: str(r.eventVersion),
      eventsource: str(r.eventSource),
      eventname: str(name),
      eventtype: str(r.eventType),
      eventcategory: str(r.eventCategory),
      awsregion: str(r.awsRegion),
      recipientaccountid: str(r.recipientAccountId),
      sourceipaddress: str(r.sourceIPAddress),
      useragent: str(r.userAgent),
      errorcode: str(r.errorCode),
      errormessage: str(r.errorMessage),
      readonly: bool(r.readOnly),
      managementevent: bool(r.managementEvent),
      requestid: str(r.requestID),
      useridentity_type: str(u.type),
      useridentity_principalid: str(u.principalId),
      useridentity_arn: str(u.arn),
      useridentity_accountid: str(u.accountId),
      useridentity_accesskeyid: str(u.accessKeyId),
      useridentity_username: str(u.userName),
      useridentity_invokedby: str(u.invokedBy),
      sessionissuer_type: str(issuer.type),
      sessionissuer_arn: str(issuer.arn),
      sessionissuer_username: str(issuer.userName),
      sourceidentity: str(c.sourceIdentity),
      mfaauthenticated: bool(obj(c.attributes).mfaAuthenticated),
      sessionid:
        ssm && (name === 'StartSession' || name === 'ResumeSession')
          ? str(res.sessionId)
          : ssm && name === 'TerminateSession'
            ? str(req.sessionId)
            : null,
      target: ssm ? str(req.target) : null,
      requestparameters: json(r.requestParameters),
      responseelements: json(r.responseElements),
      additionaleventdata: json(r.additionalEventData),
      resources: json(r.resources),
      source_key: key,
      calendarday: time.slice(0, 10),
    };
  });
}

function cloudwatchRows(text: string, key: string): Row[] {
  const rows: Row[] = [];
  for (const doc of splitConcatenated(text)) {
    const envelope = JSON.parse(doc) as Json;
    if (envelope.messageType !== 'DATA_MESSAGE') continue;
    const { owner, logGroup, logStream } = envelope;
    for (const e of envelope.logEvents as Json[]) {
      const message = e.message as string;
      let msg: Json = {};
      if (message.startsWith('{')) {
        try {
          msg = obj(JSON.parse(message));
        } catch {
          msg = {};
        }
      }
      const data = msg.sessionData;
      const time = iso(e.timestamp as number);
      rows.push({
        eventtime: time,
        logeventid: str(e.id),
        owner: str(owner),
        loggroup: str(logGroup),
        logstream: str(logStream),
        message,
        sessionid: str(msg.sessionId) ?? (logGroup === '/aws/ssm/sessionlogs' ? str(logStream) : null),
        sessiondata: Array.isArray(data) ? data.join('\n') : str(data),
        target: str(obj(msg.target).id),
        runasuser: str(msg.runAsUser),
        useridentity_arn: str(obj(msg.userIdentity).arn),
        source_key: key,
        calendarday: time.slice(0, 10),
      });
    }
  }
  return rows;
}

/**
 * Contender c, "naive": what a first attempt looks like. Each file whole: `gunzipSync`, `toString`,
 * `JSON.parse` (CloudWatch files split with loglake's string-aware splitter, since a plain `}{`
 * split corrupts data), a row object per event, `JSON.stringify` to NDJSON, then one DuckDB `COPY`
 * of the NDJSON to ZSTD Parquet by `calendarday`. One thread; both steps are timed.
 */
export async function runNaiveContender(job: NaiveJob): Promise<StepMeasure> {
  await mkdir(job.tmpDir, { recursive: true });
  const ndjson = join(job.tmpDir, `naive-${job.source}.ndjson`);
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', temp_directory: job.tmpDir });
  const connection = await instance.connect();
  try {
    const {
      value: rows,
      elapsedMs,
      cpuMs,
    } = await measure(async () => {
      const fd = openSync(ndjson, 'w');
      let longest = 0;
      let columns: string[] = [];
      try {
        for (const key of job.keys) {
          const text = gunzipSync(readFileSync(join(job.root, key))).toString('utf8');
          const rows = job.source === 'cloudtrail' ? cloudtrailRows(text, key) : cloudwatchRows(text, key);
          if (rows.length === 0) continue;
          if (columns.length === 0) columns = Object.keys(rows[0]!);
          const lines = rows.map((r) => JSON.stringify(r));
          for (const l of lines) longest = Math.max(longest, l.length);
          writeSync(fd, `${lines.join('\n')}\n`);
        }
      } finally {
        closeSync(fd);
      }
      const types = columns.map((c) => `${c}: ${quoteLiteral(TYPES[job.source][c] ?? 'VARCHAR')}`).join(', ');
      const reader = await connection.runAndReadAll(
        `COPY (SELECT * FROM read_json(${quoteLiteral(ndjson)}, format = 'newline_delimited', ` +
          `columns = {${types}}, maximum_object_size = ${Math.max(16 << 20, longest * 3 + 1)})) ` +
          `TO ${quoteLiteral(job.outDir)} (FORMAT parquet, COMPRESSION zstd, PARTITION_BY (calendarday))`,
      );
      return Number(reader.getRows()[0]?.[0] ?? 0);
    });
    const out = await dirBytes(job.outDir);
    return { elapsedMs, cpuMs, files: job.keys.length, rows, outputBytes: out.bytes, outputFiles: out.files };
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
