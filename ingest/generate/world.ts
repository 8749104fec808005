import type { ResolvedOptions } from './options.ts';
import { AWS_ID_ALPHABET, BASE64, Prng } from './prng.ts';

/** Who makes calls, as far as CloudTrail is concerned. */
export type PrincipalKind = 'sso' | 'role' | 'iamUser' | 'root' | 'federated' | 'service';

/** One caller in one account, with the ids that stay fixed across its calls. */
export interface Principal {
  kind: PrincipalKind;
  account: string;
  /** `userIdentity.arn`. */
  arn: string;
  /** Role session name or user name; Session Manager starts session ids with it. */
  name: string;
  /** `sessionContext.sourceIdentity`, set on roles assumed with a source identity. */
  sourceIdentity: string | null;
  mfa: boolean;
  /** Unique id of the role or user behind the identity (`AROA…` or `AIDA…`). */
  uniqueId: string;
  /** Role or user name of the session issuer; for users, the user name. */
  issuerName: string;
  /** `sessionContext.sessionIssuer.arn` (roles) or the user's own arn. */
  issuerArn: string;
  /** Long-term access key of IAM users; roles get a fresh temporary key per file. */
  accessKeyId: string;
  /** Service that runs as this role (`lambda.amazonaws.com`), for service roles only. */
  service: string | null;
}

/** One account: its callers and its instances. */
export interface AccountWorld {
  index: number;
  id: string;
  principals: Principal[];
  /** The principals that open Session Manager sessions: people, through SSO or an ops role. */
  humans: Principal[];
  /** Roles that AWS services (Lambda, ECS, EC2) run as. */
  services: Principal[];
  /** EC2 instance ids per region, the targets of sessions and Describe calls. */
  instances: Map<string, string[]>;
  /** KMS key ids and S3 bucket names that calls refer to. */
  kmsKeys: string[];
  buckets: string[];
  /** Hash AWS shows for the account's SAML identity provider in `SAMLUser` identities. */
  samlProviderHash: string;
}

/** Everything a data set is about, fixed before any file is built. */
export interface World {
  accounts: AccountWorld[];
  /** Region where IAM and other global services log their calls. */
  globalRegion: string;
}

const PERMISSION_SETS = ['AdministratorAccess', 'PowerUserAccess', 'ReadOnlyAccess'];
const SERVICE_ROLES = [
  { role: 'orders-api-role', session: 'orders-api', service: 'lambda.amazonaws.com' },
  { role: 'billing-sync-role', session: 'billing-sync', service: 'lambda.amazonaws.com' },
  { role: 'ecs-task-web-frontend', session: null, service: 'ecs-tasks.amazonaws.com' },
  { role: 'ec2-app-instance-role', session: null, service: 'ec2.amazonaws.com' },
] as const;

/** Builds the accounts and their principals for `options`. */
export function buildWorld(options: ResolvedOptions): World {
  const ids = accountIds(options.seed, options.accounts);
  const accounts = ids.map((id, index) => buildAccount(options, index, id));
  const globalRegion = options.regions.includes('us-east-1') ? 'us-east-1' : (options.regions[0] as string);
  return { accounts, globalRegion };
}

function accountIds(seed: number, count: number): string[] {
  const rng = new Prng(seed, 'accounts');
  const seen = new Set<string>();
  while (seen.size < count) seen.add(`${rng.int(1, 9)}${rng.digits(11)}`);
  return [...seen];
}

function buildAccount(options: ResolvedOptions, index: number, account: string): AccountWorld {
  const rng = new Prng(options.seed, 'principals', index);
  const homeRegion = options.regions[0] as string;
  const roleId = (): string => `AROA${rng.chars(17, AWS_ID_ALPHABET)}`;
  const userId = (): string => `AIDA${rng.chars(17, AWS_ID_ALPHABET)}`;
  const principals: Principal[] = [];
  const humans: Principal[] = [];
  const services: Principal[] = [];

  for (const set of PERMISSION_SETS) {
    const roleName = `AWSReservedSSO_${set}_${rng.hex(16)}`;
    const issuerArn = `arn:aws:iam::${account}:role/aws-reserved/sso.amazonaws.com/${homeRegion}/${roleName}`;
    const uniqueId = roleId();
    // Several people use the same permission set; the session name is their sign-in e-mail.
    for (const user of distinctUsers(rng, 2)) {
      const name = `user${user}@example.com`;
      const p = role('sso', account, roleName, issuerArn, uniqueId, name, null, true);
      principals.push(p);
      humans.push(p);
    }
  }
  const opsIssuer = `arn:aws:iam::${account}:role/ops-engineer`;
  const opsId = roleId();
  for (const user of distinctUsers(rng, 2)) {
    // Source identity survives role chaining, so auditors can tie the session back to a person.
    const sourceIdentity = rng.chance(0.7) ? `user${user}` : null;
    const p = role(
      'role',
      account,
      'ops-engineer',
      opsIssuer,
      opsId,
      `ops-engineer-${user}`,
      sourceIdentity,
      false,
    );
    principals.push(p);
    humans.push(p);
  }
  for (const { role: roleName, session, service } of SERVICE_ROLES) {
    const name = session ?? (service === 'ec2.amazonaws.com' ? `i-0${rng.hex(16)}` : rng.hex(32));
    const p = role(
      'service',
      account,
      roleName,
      `arn:aws:iam::${account}:role/${roleName}`,
      roleId(),
      name,
      null,
      false,
    );
    p.service = service;
    principals.push(p);
    services.push(p);
  }
  const users: Principal[] = ['ci-deployer', 'svc-backup-01', 'svc-reporting-02'].map((name) => ({
    kind: 'iamUser',
    account,
    arn: `arn:aws:iam::${account}:user/${name}`,
    name,
    sourceIdentity: null,
    mfa: false,
    uniqueId: userId(),
    issuerName: name,
    issuerArn: `arn:aws:iam::${account}:user/${name}`,
    accessKeyId: `AKIA${rng.chars(16, AWS_ID_ALPHABET)}`,
    service: null,
  }));
  principals.push(...users);
  const deployer = users[0] as Principal;
  principals.push({
    kind: 'federated',
    account,
    arn: `arn:aws:sts::${account}:federated-user/build-bot`,
    name: 'build-bot',
    sourceIdentity: null,
    mfa: false,
    uniqueId: deployer.uniqueId,
    issuerName: deployer.name,
    issuerArn: deployer.arn,
    accessKeyId: '',
    service: null,
  });
  principals.push({
    kind: 'root',
    account,
    arn: `arn:aws:iam::${account}:root`,
    name: 'root',
    sourceIdentity: null,
    mfa: true,
    uniqueId: account,
    issuerName: 'root',
    issuerArn: `arn:aws:iam::${account}:root`,
    accessKeyId: '',
    service: null,
  });

  const instances = new Map<string, string[]>();
  for (const region of options.regions) {
    instances.set(
      region,
      Array.from({ length: 6 }, () => `i-0${rng.hex(16)}`),
    );
  }
  const kmsKeys = Array.from({ length: 3 }, () => rng.uuid());
  const buckets = ['app-artifacts', 'data-exports', 'access-logs'].map((b) => `${b}-${account}`);
  const samlProviderHash = `${rng.chars(27, BASE64)}=`;
  return { index, id: account, principals, humans, services, instances, kmsKeys, buckets, samlProviderHash };
}

function role(
  kind: PrincipalKind,
  account: string,
  roleName: string,
  issuerArn: string,
  uniqueId: string,
  sessionName: string,
  sourceIdentity: string | null,
  mfa: boolean,
): Principal {
  return {
    kind,
    account,
    arn: `arn:aws:sts::${account}:assumed-role/${roleName}/${sessionName}`,
    name: sessionName,
    sourceIdentity,
    mfa,
    uniqueId,
    issuerName: roleName,
    issuerArn,
    accessKeyId: '',
    service: null,
  };
}

// Generic numbered users (`user07`), never real names.
function distinctUsers(rng: Prng, count: number): string[] {
  const out = new Set<string>();
  while (out.size < count) out.add(String(rng.int(1, 24)).padStart(2, '0'));
  return [...out];
}
