import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { employeeIdentity, employeeIdentitySql } from '../../api/identity.ts';

const CASES: [string, string | null, string | null, string | undefined][] = [
  [
    'IAM Identity Center (SSO): the role session name, the sign-in e-mail',
    'arn:aws:sts::111122223333:assumed-role/AWSReservedSSO_AdministratorAccess_0123456789abcdef/Employee-1@Example.com',
    null,
    'employee-1@example.com',
  ],
  [
    'SAML federation: the RoleSessionName attribute',
    'arn:aws:sts::111122223333:assumed-role/saml-ops-admin/employee-2@example.com',
    null,
    'employee-2@example.com',
  ],
  [
    'IAM user: the user name, after its path',
    'arn:aws:iam::111122223333:user/ops/team-a/employee-3',
    null,
    'employee-3',
  ],
  ['IAM user without a path', 'arn:aws:iam::111122223333:user/employee-3', null, 'employee-3'],
  ['federated user', 'arn:aws:sts::111122223333:federated-user/employee-5', null, 'employee-5'],
  [
    'source identity beats the role session name (role chaining)',
    'arn:aws:sts::111122223333:assumed-role/ops-engineer/ops-engineer-9',
    ' Employee-4 ',
    'employee-4',
  ],
  [
    'an empty source identity is ignored',
    'arn:aws:sts::111122223333:assumed-role/r/employee-6',
    '  ',
    'employee-6',
  ],
  ['GovCloud partition', 'arn:aws-us-gov:sts::111122223333:assumed-role/r/employee-7', null, 'employee-7'],
  ['account root has no employee', 'arn:aws:iam::111122223333:root', null, undefined],
  ['an IAM role itself has no employee', 'arn:aws:iam::111122223333:role/ops-engineer', null, undefined],
  ['no principal at all', null, null, undefined],
  ['not an ARN', 'employee-1', null, undefined],
];

describe('employee identity of a principal', () => {
  for (const [name, arn, source, expected] of CASES) {
    it(name, () => expect(employeeIdentity(arn, source)).toBe(expected));
  }

  it('is the same rule in SQL (DuckDB) as in TypeScript', async () => {
    const instance = await DuckDBInstance.create(':memory:');
    const c = await instance.connect();
    try {
      for (const [name, arn, source, expected] of CASES) {
        const out = await c.runAndReadAll(
          `SELECT ${employeeIdentitySql('arn', 'src')} AS id FROM (SELECT CAST(? AS VARCHAR) AS arn, CAST(? AS VARCHAR) AS src)`,
          [arn, source],
        );
        expect(out.getRowObjectsJS()[0]!.id ?? undefined, name).toBe(expected);
      }
    } finally {
      c.closeSync();
      instance.closeSync();
    }
  });
});
