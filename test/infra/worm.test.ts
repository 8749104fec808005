/**
 * Issue 8.2: raw is write-once. moto neither enforces Object Lock, bucket policies nor KMS, so these
 * are contract tests on the template resolved for concrete parameters: each property a real
 * deployment relies on is asserted here, and cfn-lint (template.test.ts) checks the rest.
 */
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  type Json,
  loadTemplate,
  type Resource,
  resolveTemplate,
  resourcesOf,
  roleStatements,
  type Statement,
  statementsOf,
  wildcardMatch,
} from './resolveTemplate.ts';

const BASE = { CodeBucket: 'code' };
const GIVEN_KEY = 'arn:aws:kms:eu-west-1:111122223333:key/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';
const STACK_BUCKETS = ['RawBucket', 'ReadreadyBucket', 'QuarantineBucket', 'AthenaResultsBucket'];

const policyOf = (resources: Record<string, Resource>, bucket: string): Statement[] => {
  const policies = Object.values(resources).filter(
    (r) =>
      r.Type === 'AWS::S3::BucketPolicy' &&
      JSON.stringify(r.Properties.Bucket) === JSON.stringify(`{ref:${bucket}}`),
  );
  expect(policies, `one bucket policy for ${bucket}`).toHaveLength(1);
  return statementsOf(policies[0]!.Properties.PolicyDocument);
};

/** Every key anywhere in a JSON value. */
function keysIn(value: Json): string[] {
  if (Array.isArray(value)) return value.flatMap(keysIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([k, v]) => [k, ...keysIn(v)]);
}

describe('write-once raw and encrypted buckets in infra/loglake.yaml', () => {
  it('creates raw with Object Lock default retention from the parameters, on a versioned bucket', () => {
    for (const [mode, days] of [
      ['GOVERNANCE', 400],
      ['COMPLIANCE', 2557],
    ] as const) {
      const raw = resolveTemplate({ ...BASE, RawRetentionMode: mode, RawRetentionDays: days }).resources
        .RawBucket!;
      expect(raw.Properties.ObjectLockEnabled).toBe(true);
      expect(raw.Properties.ObjectLockConfiguration).toEqual({
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: mode, Days: days } },
      });
      expect(raw.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    }
    expect(loadTemplate().Parameters.RawRetentionMode).toMatchObject({
      AllowedValues: ['GOVERNANCE', 'COMPLIANCE'],
    });
  });

  it('denies deletes of raw objects and versions, and governance bypass, to every principal', () => {
    const statements = policyOf(resolveTemplate(BASE).resources, 'RawBucket');
    const deny = statements.find((s) => s.Sid === 'DenyDeletes')!;
    expect(deny.Effect).toBe('Deny');
    expect(deny.Principal).toBe('*');
    expect(deny.Condition).toBeUndefined();
    for (const action of ['s3:DeleteObject', 's3:DeleteObjectVersion', 's3:BypassGovernanceRetention'])
      expect(actionsOf(deny)).toContain(action);
    expect(resourcesOf(deny)).toContain('{RawBucket.Arn}/*');
  });

  it('gives every bucket of the stack a policy that denies any request not over TLS', () => {
    const { resources } = resolveTemplate(BASE);
    for (const bucket of STACK_BUCKETS) {
      const tls = policyOf(resources, bucket).find((s) => s.Sid === 'DenyInsecureTransport')!;
      expect(tls, bucket).toMatchObject({
        Effect: 'Deny',
        Principal: '*',
        Action: 's3:*',
        Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      });
      expect(resourcesOf(tls).sort()).toEqual([`{${bucket}.Arn}`, `{${bucket}.Arn}/*`]);
    }
  });

  it('encrypts every bucket with SSE-KMS: the stack’s rotated key, or the key given', () => {
    const made = resolveTemplate(BASE).resources;
    expect(made.LoglakeKey!.Properties.EnableKeyRotation).toBe(true);
    const given = resolveTemplate({ ...BASE, KmsKeyArn: GIVEN_KEY }).resources;
    expect(given.LoglakeKey).toBeUndefined();
    for (const [resources, key] of [
      [made, '{LoglakeKey.Arn}'],
      [given, GIVEN_KEY],
    ] as const) {
      for (const bucket of STACK_BUCKETS) {
        const r = resources[bucket]!;
        expect(r.Properties.BucketEncryption, bucket).toEqual({
          ServerSideEncryptionConfiguration: [
            {
              BucketKeyEnabled: true,
              ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: key },
            },
          ],
        });
        expect(r.Properties.PublicAccessBlockConfiguration, bucket).toEqual({
          BlockPublicAcls: true,
          BlockPublicPolicy: true,
          IgnorePublicAcls: true,
          RestrictPublicBuckets: true,
        });
      }
      const athena = resources.AthenaWorkGroup!.Properties.WorkGroupConfiguration as {
        ResultConfiguration: { EncryptionConfiguration: Json };
      };
      expect(athena.ResultConfiguration.EncryptionConfiguration).toEqual({
        EncryptionOption: 'SSE_KMS',
        KmsKey: key,
      });
      // The functions can use the key, and only that key of the stack.
      for (const role of ['AddapartRole', 'TransformRole']) {
        const kms = roleStatements(resources[role]!).find((s) => s.Sid === 'LoglakeKey')!;
        expect(kms.Resource, role).toBe(key);
        expect(actionsOf(kms)).toContain('kms:Decrypt');
      }
    }
  });

  it('keeps the buckets and the key when the stack is deleted or a resource replaced', () => {
    const template = loadTemplate();
    for (const name of [...STACK_BUCKETS, 'LoglakeKey']) {
      expect(template.Resources[name]!.DeletionPolicy, name).toBe('Retain');
      expect(template.Resources[name]!.UpdateReplacePolicy, name).toBe('Retain');
    }
  });

  it('has only lifecycle rules on raw that cannot break retention: no expiration of any kind', () => {
    const raw = resolveTemplate({ ...BASE, RawTieringDays: 60 }).resources.RawBucket!;
    const lifecycle = raw.Properties.LifecycleConfiguration as Json;
    const keys = keysIn(lifecycle);
    for (const forbidden of [
      'ExpirationInDays',
      'ExpirationDate',
      'ExpiredObjectDeleteMarker',
      'NoncurrentVersionExpiration',
      'NoncurrentVersionExpirationInDays',
    ])
      expect(keys).not.toContain(forbidden);
    const rules = (lifecycle as { Rules: Record<string, Json>[] }).Rules;
    expect(rules.map((r) => r.Id)).toEqual(['abort-incomplete-uploads', 'intelligent-tiering']);
    expect(rules[1]!.Transitions).toEqual([{ StorageClass: 'INTELLIGENT_TIERING', TransitionInDays: 60 }]);
  });

  it('gives no role of the stack any delete on raw objects (raw is read-only to loglake)', () => {
    const { resources } = resolveTemplate({
      ...BASE,
      SourceBucketNames: 'org-trail-logs',
      SourceBucketAccounts: '444455556666',
    });
    const roles = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::IAM::Role');
    expect(roles.length).toBeGreaterThanOrEqual(2);
    // Symbolic ARNs made concrete, so wildcard grants (`arn:aws:s3:::loglake-*`, `*`) count too.
    const rawArn = 'arn:aws:s3:::loglake-raw-111122223333-eu-west-1';
    const concrete = (r: string) =>
      r.replace('{RawBucket.Arn}', rawArn).replace('arn:aws:s3:::{ref:RawBucket}', rawArn);
    const rawObject = `${rawArn}/AWSLogs/111122223333/CloudTrail/eu-west-1/2026/12/01/f.json.gz`;
    const writes = [
      's3:DeleteObject',
      's3:DeleteObjectVersion',
      's3:PutObject',
      's3:BypassGovernanceRetention',
    ];
    for (const [name, role] of roles) {
      for (const s of roleStatements(role).filter((st) => st.Effect === 'Allow')) {
        const onRaw = resourcesOf(s).some((r) => wildcardMatch(concrete(r), rawObject));
        if (!onRaw) continue;
        for (const action of writes)
          expect(
            actionsOf(s).some((a) => wildcardMatch(a, action, true)),
            `${name} may ${action} on raw`,
          ).toBe(false);
      }
    }
  });
});
