/**
 * Issue 8.3, template side: configuration changes without repackaging. Both functions learn where
 * the live configuration is from LOGLAKE_LIVE_CONFIG_URI and may read exactly that object; the
 * Lambda package carries no filter or custom source definitions.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  resolveTemplate,
  resourcesOf,
  roleStatements,
  type Statement,
  wildcardMatch,
} from './resolveTemplate.ts';

const FUNCTIONS = { AddapartFunction: 'AddapartRole', TransformFunction: 'TransformRole' };
const envOf = (props: Record<string, unknown>) =>
  (props.Environment as { Variables: Record<string, string> }).Variables;

const allows = (statements: Statement[], action: string, resource: string): boolean =>
  statements.some(
    (s) =>
      s.Effect === 'Allow' &&
      actionsOf(s).some((a) => wildcardMatch(a, action, true)) &&
      resourcesOf(s).some((r) => wildcardMatch(r, resource)),
  );
const denies = (statements: Statement[], action: string, resource: string): boolean =>
  statements.some(
    (s) =>
      s.Effect === 'Deny' &&
      actionsOf(s).some((a) => wildcardMatch(a, action, true)) &&
      resourcesOf(s).some((r) => wildcardMatch(r, resource)),
  );

describe('live configuration in infra/loglake.yaml', () => {
  it('points both functions at s3://<readready>/_loglake/config/live.json by default, or the key given', () => {
    for (const [params, key] of [
      [{}, '_loglake/config/live.json'],
      [{ LiveConfigKey: 'ops/loglake-live.json' }, 'ops/loglake-live.json'],
    ] as const) {
      const { resources, outputs } = resolveTemplate({ CodeBucket: 'code', ...params });
      for (const fn of Object.keys(FUNCTIONS))
        expect(envOf(resources[fn]!.Properties).LOGLAKE_LIVE_CONFIG_URI, fn).toBe(
          `s3://{ref:ReadreadyBucket}/${key}`,
        );
      expect(outputs.LiveConfigUri).toBe(`s3://{ref:ReadreadyBucket}/${key}`);
    }
  });

  it('tells both functions that the stack’s buckets belong to its own account (ExpectedBucketOwner)', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code' });
    for (const fn of Object.keys(FUNCTIONS))
      expect(envOf(resources[fn]!.Properties).LOGLAKE_RAW_BUCKET_OWNER, fn).toBe('111122223333');
  });

  it('lets each function read exactly that object, and not publish it', () => {
    const { resources } = resolveTemplate({ CodeBucket: 'code' });
    const object = '{ReadreadyBucket.Arn}/_loglake/config/live.json';
    for (const [fn, role] of Object.entries(FUNCTIONS)) {
      const statements = roleStatements(resources[role]!);
      const live = statements.find((s) => s.Sid === 'LiveConfig')!;
      expect(live, fn).toMatchObject({ Effect: 'Allow', Action: ['s3:GetObject'], Resource: object });
      expect(allows(statements, 's3:GetObject', object)).toBe(true);
      // Writing the live config is `loglake config push`'s job (an operator), never a function's.
      for (const action of ['s3:PutObject', 's3:DeleteObject'])
        expect(
          !allows(statements, action, object) || denies(statements, action, object),
          `${fn} ${action}`,
        ).toBe(true);
    }
    // addapart reads nothing else from the readready bucket.
    expect(
      allows(
        roleStatements(resources.AddapartRole!),
        's3:GetObject',
        '{ReadreadyBucket.Arn}/_loglake/ledger/x',
      ),
    ).toBe(false);
    // addapart writes only its own records: no readready table data, no ledger, not the live config.
    const addapart = roleStatements(resources.AddapartRole!);
    expect(allows(addapart, 's3:PutObject', '{QuarantineBucket.Arn}/addapart/0f1e.json')).toBe(true);
    expect(allows(addapart, 's3:PutObject', '{ReadreadyBucket.Arn}/_loglake/addapart/runs/r1.json')).toBe(
      true,
    );
    for (const key of [
      'from_cloudtrail_readready/calendarday=2026-12-01/x.parquet',
      '_loglake/ledger/done/x',
    ])
      expect(allows(addapart, 's3:PutObject', `{ReadreadyBucket.Arn}/${key}`), key).toBe(false);
  });

  it('refuses a key that is not a JSON object key', () => {
    for (const key of ['/leading-slash.json', 'live.yaml', ''])
      expect(() => resolveTemplate({ CodeBucket: 'code', LiveConfigKey: key })).toThrow(/AllowedPattern/);
  });

  it('packages no custom source definitions or config: only the built-in definitions ship', () => {
    const script = readFileSync('scripts/package-lambda.sh', 'utf8');
    const copied = /for d in ([^;]+); do/.exec(script)![1]!.trim().split(/\s+/);
    expect(copied).toContain('sources');
    for (const never of ['examples', 'test', 'bench', 'cli']) expect(copied).not.toContain(never);
    expect(script).not.toMatch(/loglake\.config/);
  });
});
