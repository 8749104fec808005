import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { drainQueue } from '../../addapart/drainQueue.ts';
import { loadSourceFile, loadSources } from '../../sources/loader.ts';
import { trySamples } from '../../sources/trySamples.ts';
import { runTransform } from '../../transform/runTransform.ts';
import { tempLake } from '../helpers/tempLake.ts';

const EXAMPLES = fileURLToPath(new URL('../../examples/sources/', import.meta.url));

/** The sample files of an example, each with the raw key it mirrors (its path inside the folder). */
function samplesOf(name: string): { key: string; text: string }[] {
  const dir = join(EXAMPLES, 'samples', name);
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name))
    .map((file) => ({ key: relative(dir, file), text: readFileSync(file, 'utf8') }));
}

/**
 * Gzip as the service writes it: Firehose files are multi-member (one member per buffered part),
 * cut here between documents or lines so each member holds whole records.
 */
function asDelivered(text: string, firehose: boolean): Buffer {
  if (!firehose) return gzipSync(text);
  const cut = Math.max(1, text.indexOf('}{') + 1 || text.indexOf('\n') + 1);
  return Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]);
}

interface Case {
  example: string;
  source: string;
  firehose: boolean;
  counts: { eventsIn: number; rows: number; skipped: Record<string, number>; quarantined: number };
  sql: string;
  expected: Record<string, unknown>[];
}

const CASES: Case[] = [
  {
    example: 'config',
    source: 'config',
    firehose: false,
    counts: { eventsIn: 2, rows: 2, skipped: {}, quarantined: 0 },
    sql: 'SELECT resourceid, status, configurationstateid, tags, calendarday FROM from_config_readready ORDER BY eventtime',
    expected: [
      {
        resourceid: 'example-bucket-1',
        status: 'OK',
        configurationstateid: 1793521965123,
        tags: '{"team":"platform"}',
        calendarday: '2026-11-01',
      },
      {
        resourceid: 'example-bucket-2',
        status: 'ResourceDeleted',
        configurationstateid: 1793522402001,
        tags: '{}',
        calendarday: '2026-11-01',
      },
    ],
  },
  {
    example: 'waf',
    source: 'waf',
    firehose: true,
    counts: { eventsIn: 2, rows: 2, skipped: {}, quarantined: 0 },
    sql: 'SELECT action, clientip, country, uri, terminatingruletype, calendarday FROM from_waf_readready ORDER BY eventtime',
    expected: [
      {
        action: 'ALLOW',
        clientip: '198.51.100.7',
        country: 'NL',
        uri: '/login',
        terminatingruletype: 'REGULAR',
        calendarday: '2026-11-01',
      },
      {
        action: 'BLOCK',
        clientip: '203.0.113.44',
        country: 'US',
        uri: '/wp-admin',
        terminatingruletype: 'MANAGED_RULE_GROUP',
        calendarday: '2026-11-01',
      },
    ],
  },
  {
    example: 'vpcflow',
    source: 'vpcflow',
    firehose: false,
    counts: { eventsIn: 4, rows: 3, skipped: { skipped_line: 1 }, quarantined: 0 },
    sql: "SELECT srcaddr, dstport, bytes, action, logstatus, strftime(eventtime, '%H:%M:%S') AS t FROM from_vpcflow_readready ORDER BY eventtime, logstatus",
    expected: [
      { srcaddr: null, dstport: null, bytes: null, action: null, logstatus: 'NODATA', t: '09:15:01' },
      { srcaddr: '10.0.1.25', dstport: 443, bytes: 4810, action: 'ACCEPT', logstatus: 'OK', t: '09:15:01' },
      { srcaddr: '203.0.113.44', dstport: 22, bytes: 180, action: 'REJECT', logstatus: 'OK', t: '09:15:03' },
    ],
  },
  {
    example: 'alb',
    source: 'alb',
    firehose: false,
    counts: { eventsIn: 2, rows: 2, skipped: {}, quarantined: 0 },
    sql: 'SELECT client, target, elb_status_code, target_status_code, target_processing_time, request, actions_executed FROM from_alb_readready ORDER BY eventtime',
    expected: [
      {
        client: '198.51.100.7:52311',
        target: '10.0.1.25:8080',
        elb_status_code: 200,
        target_status_code: 200,
        target_processing_time: 0.045,
        request: 'GET https://app.example.com:443/login?next=%2F HTTP/1.1',
        actions_executed: 'forward',
      },
      {
        client: '203.0.113.44:40112',
        target: null,
        elb_status_code: 403,
        target_status_code: null,
        target_processing_time: -1,
        request: 'POST https://app.example.com:443/wp-login.php HTTP/2.0',
        actions_executed: 'waf',
      },
    ],
  },
  {
    example: 'apigw-access',
    source: 'apigw_access',
    firehose: true,
    counts: { eventsIn: 4, rows: 3, skipped: { control_message: 1 }, quarantined: 0 },
    sql: 'SELECT sourceip, httpmethod, resourcepath, status, responselength, caller FROM from_apigw_access_readready ORDER BY eventtime',
    expected: [
      {
        sourceip: '198.51.100.7',
        httpmethod: 'GET',
        resourcepath: '/orders',
        status: 200,
        responselength: 512,
        caller: '-',
      },
      {
        sourceip: '203.0.113.44',
        httpmethod: 'POST',
        resourcepath: '/orders',
        status: 403,
        responselength: 64,
        caller: '-',
      },
      {
        sourceip: '198.51.100.7',
        httpmethod: 'DELETE',
        resourcepath: '/orders/{id}',
        status: 204,
        responselength: 0,
        caller: 'arn:aws:iam::111122223333:user/ops-1',
      },
    ],
  },
  {
    example: 'vpcflow-cloudwatch',
    source: 'vpcflow_cwl',
    firehose: true,
    counts: { eventsIn: 3, rows: 3, skipped: {}, quarantined: 0 },
    sql: "SELECT interfaceid, srcaddr, dstport, action, logstatus, strftime(flowstart, '%H:%M:%S') AS flowstart FROM from_vpcflow_cwl_readready ORDER BY eventtime",
    expected: [
      {
        interfaceid: 'eni-0a1b2c3d4e5f60718',
        srcaddr: '10.0.1.25',
        dstport: 443,
        action: 'ACCEPT',
        logstatus: 'OK',
        flowstart: '09:15:01',
      },
      {
        interfaceid: 'eni-0a1b2c3d4e5f60718',
        srcaddr: '203.0.113.44',
        dstport: 22,
        action: 'REJECT',
        logstatus: 'OK',
        flowstart: '09:15:03',
      },
      {
        interfaceid: 'eni-0f1e2d3c4b5a69788',
        srcaddr: null,
        dstport: null,
        action: null,
        logstatus: 'NODATA',
        flowstart: '09:15:01',
      },
    ],
  },
  {
    example: 'securityhub',
    source: 'securityhub',
    firehose: true,
    counts: { eventsIn: 3, rows: 3, skipped: {}, quarantined: 0 },
    sql: 'SELECT severity, compliancestatus, generatorid, accountid FROM from_securityhub_readready ORDER BY eventtime',
    expected: [
      {
        severity: 'HIGH',
        compliancestatus: 'FAILED',
        generatorid: 'aws-foundational-security-best-practices/v/1.0.0/S3.1',
        accountid: '111122223333',
      },
      {
        severity: 'MEDIUM',
        compliancestatus: 'PASSED',
        generatorid: 'aws-foundational-security-best-practices/v/1.0.0/S3.5',
        accountid: '111122223333',
      },
      {
        severity: 'LOW',
        compliancestatus: 'FAILED',
        generatorid: 'aws-foundational-security-best-practices/v/1.0.0/S3.9',
        accountid: '111122223333',
      },
    ],
  },
];

describe('worked example definitions', () => {
  it('load together with the built-ins, with no precedence conflict', async () => {
    const sources = await loadSources([EXAMPLES]);
    expect(sources.map((s) => s.name).sort()).toEqual(
      [
        'alb',
        'apigw_access',
        'bedrock',
        'cloudtrail',
        'cloudwatch',
        'config',
        'securityhub',
        'vpcflow',
        'vpcflow_cwl',
        'waf',
      ].sort(),
    );
  });

  it.each(CASES)('$example: sources test passes on its samples', async (c) => {
    const definition = await loadSourceFile(join(EXAMPLES, `${c.example}.yaml`));
    const samples = samplesOf(c.example).map((s) => ({
      file: s.key,
      key: s.key,
      bytes: asDelivered(s.text, c.firehose),
    }));
    const report = await trySamples(definition, samples, { others: await loadSources() });
    expect(report.samples.map((s) => [s.owner, s.matches])).toEqual(samples.map(() => [c.source, true]));
    expect(report.totals).toMatchObject(c.counts);
    expect(report.reconciled).toBe(true);
    expect(report.warnings).toEqual([]);
    expect(report.ok).toBe(true);
  });
});

describe.each(['duckdb', 'js'] as const)('worked examples end to end (%s engine)', (engine) => {
  let t: Awaited<ReturnType<typeof tempLake>>;
  beforeEach(async () => {
    t = await tempLake({ sourcesDirs: [EXAMPLES], transform: { engine } });
  });
  afterEach(async () => t.done());

  it.each(CASES)('$example: raw key → partition → readready rows', async (c) => {
    const { lake } = t;
    const samples = samplesOf(c.example);
    for (const s of samples) await lake.raw.put(s.key, asDelivered(s.text, c.firehose));
    const add = await drainQueue(lake);
    expect(add.accepted).toBe(samples.length);
    expect((await lake.catalog.listPartitions('loglake', `from_${c.source}_raw`)).length).toBe(1);
    expect(await lake.catalog.listPartitions('loglake', 'from_cloudwatch_raw')).toEqual([]);
    const summary = await runTransform(lake);
    expect(summary.totals).toMatchObject(c.counts);
    const q = await lake.openQueryEngine();
    try {
      expect((await q.query(c.sql)).rows).toEqual(c.expected);
    } finally {
      await q.close();
    }
  });
});
