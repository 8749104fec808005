import type { Actor, CallSpec, JsonObject, TrailResource } from './cloudtrailRecord.ts';
import { AWS_ID_ALPHABET, BASE64, type Prng } from './prng.ts';
import { HOUR_MS, stsExpiration } from './time.ts';
import type { AccountWorld, Principal } from './world.ts';

/** What a call builder can draw on. */
export interface CallContext {
  rng: Prng;
  account: AccountWorld;
  region: string;
  ms: number;
  actor: Actor;
}

/** Which principals make a kind of call. */
export type ActorFilter = 'any' | 'human' | 'console' | 'service' | 'automation';

/** One kind of ordinary (non-session) call and how often it happens. */
export interface CallType {
  weight: number;
  actors: ActorFilter;
  /** Global services (IAM) log only in one region. */
  global?: boolean;
  build(c: CallContext): CallSpec;
}

/** Whether `principal` may make calls of a type restricted to `filter`. */
export function actorMatches(filter: ActorFilter, principal: Principal): boolean {
  switch (filter) {
    case 'any':
      return principal.kind !== 'root';
    case 'human':
      return principal.kind === 'sso' || principal.kind === 'role';
    case 'console':
      return principal.kind === 'sso' || principal.kind === 'iamUser' || principal.kind === 'root';
    case 'service':
      return principal.kind === 'service';
    case 'automation':
      return principal.kind === 'iamUser' || principal.kind === 'federated' || principal.kind === 'service';
  }
}

function notAuthorized(c: CallContext, action: string, resource?: string): string {
  const on = resource === undefined ? '' : ` on resource: ${resource}`;
  return `User: ${c.actor.principal.arn} is not authorized to perform: ${action}${on} because no identity-based policy allows the ${action} action`;
}

function s3Extras(rng: Prng, bytesOut: number): JsonObject {
  return {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: 0,
    AuthenticationMethod: 'AuthHeader',
    'x-amz-id-2': `${rng.chars(74, BASE64)}==`,
    bytesTransferredOut: bytesOut,
  };
}

function s3RequestId(rng: Prng): string {
  return rng.chars(16, 'ABCDEF0123456789');
}

/** Temporary credentials as STS responses log them (the secret key never appears). */
export function stsCredentials(rng: Prng, ms: number): JsonObject {
  return {
    accessKeyId: `ASIA${rng.chars(16, AWS_ID_ALPHABET)}`,
    sessionToken: `IQoJb3JpZ2luX2Vj${rng.chars(340, BASE64)}`,
    expiration: stsExpiration(ms + HOUR_MS),
  };
}

function roleResource(account: string, arn: string): TrailResource {
  return { accountId: account, type: 'AWS::IAM::Role', ARN: arn };
}

function instanceOf(c: CallContext): string {
  return c.rng.pick(c.account.instances.get(c.region) ?? ['i-0000000000000000']);
}

/** The mix of ordinary calls; weights are relative. */
export const CALL_TYPES: readonly CallType[] = [
  {
    weight: 6,
    actors: 'any',
    build: ({ rng, region }) => ({
      eventSource: 's3.amazonaws.com',
      eventName: 'ListBuckets',
      readOnly: true,
      requestParameters: { Host: `s3.${region}.amazonaws.com` },
      responseElements: null,
      additionalEventData: s3Extras(rng, rng.int(300, 4000)),
      requestID: s3RequestId(rng),
      eventVersion: '1.09',
      host: `s3.${region}.amazonaws.com`,
    }),
  },
  {
    weight: 5,
    actors: 'any',
    build: (c) => {
      const { rng, region, account } = c;
      const bucket = rng.pick(account.buckets);
      const [eventName, param] = rng.pick([
        ['GetBucketPolicy', 'policy'],
        ['GetBucketAcl', 'acl'],
        ['GetBucketEncryption', 'encryption'],
        ['GetBucketVersioning', 'versioning'],
        ['GetBucketLocation', 'location'],
      ] as const);
      const host = `${bucket}.s3.${region}.amazonaws.com`;
      return {
        eventSource: 's3.amazonaws.com',
        eventName,
        readOnly: true,
        requestParameters: { bucketName: bucket, Host: host, [param]: '' },
        responseElements: null,
        additionalEventData: s3Extras(rng, rng.int(100, 2000)),
        requestID: s3RequestId(rng),
        resources: [{ accountId: account.id, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
        error: rng.chance(0.1) ? { code: 'AccessDenied', message: 'Access Denied' } : undefined,
        eventVersion: '1.09',
        host,
      };
    },
  },
  {
    weight: 9,
    actors: 'any',
    build: (c) => {
      const { rng } = c;
      const requestParameters: JsonObject = rng.chance(0.5)
        ? { instancesSet: { items: [{ instanceId: instanceOf(c) }] }, filterSet: {} }
        : {
            instancesSet: {},
            filterSet: {
              items: [
                { name: 'tag:Environment', valueSet: { items: [{ value: rng.pick(['prod', 'staging']) }] } },
              ],
            },
          };
      const denied = rng.chance(0.04);
      return {
        eventSource: 'ec2.amazonaws.com',
        eventName: 'DescribeInstances',
        readOnly: true,
        requestParameters,
        responseElements: null,
        error: denied
          ? {
              code: 'Client.UnauthorizedOperation',
              message: `You are not authorized to perform this operation. ${notAuthorized(c, 'ec2:DescribeInstances')}`,
            }
          : undefined,
      };
    },
  },
  {
    weight: 6,
    actors: 'any',
    build: ({ rng }) => {
      const [eventName, set] = rng.pick([
        ['DescribeSecurityGroups', 'securityGroupIdSet'],
        ['DescribeVpcs', 'vpcSet'],
        ['DescribeSubnets', 'subnetSet'],
        ['DescribeVolumes', 'volumeSet'],
      ] as const);
      return {
        eventSource: 'ec2.amazonaws.com',
        eventName,
        readOnly: true,
        requestParameters: { [set]: {}, filterSet: {}, maxResults: rng.pick([100, 1000]) },
        responseElements: null,
      };
    },
  },
  {
    weight: 4,
    actors: 'any',
    global: true,
    build: (c) => {
      const { rng, account } = c;
      const role = rng.pick(account.services);
      const [eventName, requestParameters, resource] = rng.pick<[string, JsonObject, string]>([
        ['GetUser', { userName: 'ci-deployer' }, `arn:aws:iam::${account.id}:user/ci-deployer`],
        ['GetRole', { roleName: role.issuerName }, role.issuerArn],
        ['ListRoles', { maxItems: 100 }, `arn:aws:iam::${account.id}:role/`],
        ['ListAttachedRolePolicies', { roleName: role.issuerName }, role.issuerArn],
      ]);
      const denied = rng.chance(0.06);
      return {
        eventSource: 'iam.amazonaws.com',
        eventName,
        readOnly: true,
        requestParameters,
        responseElements: null,
        eventVersion: '1.08',
        host: 'iam.amazonaws.com',
        error: denied
          ? { code: 'AccessDenied', message: notAuthorized(c, `iam:${eventName}`, resource) }
          : undefined,
      };
    },
  },
  {
    weight: 7,
    actors: 'any',
    build: () => ({
      eventSource: 'sts.amazonaws.com',
      eventName: 'GetCallerIdentity',
      readOnly: true,
      requestParameters: null,
      responseElements: null,
      eventVersion: '1.08',
    }),
  },
  {
    weight: 6,
    actors: 'any',
    build: (c) => {
      const { rng, account, ms, actor } = c;
      // Services assume their execution roles; people chain into a read-only role.
      const serviceRole = rng.chance(0.4) ? rng.pick(account.services) : null;
      const roleName = serviceRole?.issuerName ?? 'ops-readonly';
      const roleArn = serviceRole?.issuerArn ?? `arn:aws:iam::${account.id}:role/ops-readonly`;
      const roleId = serviceRole?.uniqueId ?? `AROA${rng.chars(17, AWS_ID_ALPHABET)}`;
      const sessionName = serviceRole?.name ?? actor.principal.name;
      const source = serviceRole === null ? actor.principal.sourceIdentity : null;
      const requestParameters: JsonObject = { roleArn, roleSessionName: sessionName, durationSeconds: 3600 };
      const responseElements: JsonObject = {
        credentials: stsCredentials(rng, ms),
        assumedRoleUser: {
          assumedRoleId: `${roleId}:${sessionName}`,
          arn: `arn:aws:sts::${account.id}:assumed-role/${roleName}/${sessionName}`,
        },
      };
      if (source !== null) {
        requestParameters.sourceIdentity = source;
        responseElements.sourceIdentity = source;
      }
      const spec: CallSpec = {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        readOnly: true,
        requestParameters,
        responseElements,
        resources: [roleResource(account.id, roleArn)],
        eventVersion: '1.08',
      };
      if (serviceRole?.service) {
        const service = serviceRole.service;
        spec.userIdentity = { type: 'AWSService', invokedBy: service };
        spec.sourceIPAddress = service;
        spec.userAgent = service;
        spec.sharedEventID = rng.uuid();
        spec.tls = false;
      } else if (rng.chance(0.03)) {
        spec.error = { code: 'AccessDenied', message: notAuthorized(c, 'sts:AssumeRole', roleArn) };
      }
      return spec;
    },
  },
  {
    weight: 1.5,
    actors: 'any',
    build: ({ rng, account, ms }) => {
      const user = `user${String(rng.int(1, 24)).padStart(2, '0')}@example.com`;
      const roleArn = `arn:aws:iam::${account.id}:role/saml-ops-readonly`;
      const providerArn = `arn:aws:iam::${account.id}:saml-provider/ExampleIdP`;
      return {
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRoleWithSAML',
        readOnly: true,
        userIdentity: {
          type: 'SAMLUser',
          principalId: `${account.samlProviderHash}:${user}`,
          userName: user,
          identityProvider: account.samlProviderHash,
        },
        userAgent: 'aws-internal/3 aws-sdk-java/1.12.720 Linux/5.10.219 OpenJDK_64-Bit_Server_VM/25.412-b08',
        requestParameters: {
          sAMLAssertionID: `_${rng.hex(32)}`,
          roleSessionName: user,
          principalArn: providerArn,
          roleArn,
          durationSeconds: 3600,
        },
        responseElements: {
          credentials: stsCredentials(rng, ms),
          assumedRoleUser: {
            assumedRoleId: `AROA${rng.chars(17, AWS_ID_ALPHABET)}:${user}`,
            arn: `arn:aws:sts::${account.id}:assumed-role/saml-ops-readonly/${user}`,
          },
          packedPolicySize: rng.int(3, 9),
          subject: user,
          subjectType: 'persistent',
          issuer: 'https://idp.example.com/saml2',
          audience: 'https://signin.aws.amazon.com/saml',
          nameQualifier: `${rng.chars(27, BASE64)}=`,
        },
        resources: [
          roleResource(account.id, roleArn),
          { accountId: account.id, type: 'AWS::IAM::SAMLProvider', ARN: providerArn },
        ],
        eventVersion: '1.08',
      };
    },
  },
  {
    weight: 1.5,
    actors: 'console',
    build: ({ rng, region, actor }) => {
      const failed = actor.principal.kind !== 'sso' && rng.chance(0.08);
      return {
        eventSource: 'signin.amazonaws.com',
        eventName: 'ConsoleLogin',
        readOnly: false,
        eventType: 'AwsConsoleSignIn',
        requestParameters: null,
        responseElements: { ConsoleLogin: failed ? 'Failure' : 'Success' },
        additionalEventData: {
          LoginTo: `https://console.aws.amazon.com/console/home?hashArgs=%23&isauthcode=true&state=hashArgsFromTB_${region}_${rng.hex(16)}`,
          MobileVersion: 'No',
          MFAUsed: actor.principal.mfa ? 'Yes' : 'No',
        },
        userAgent: browserLike(actor),
        requestID: null,
        error: failed ? { message: 'Failed authentication' } : undefined,
        eventVersion: '1.08',
        tls: false,
      };
    },
  },
  {
    weight: 5,
    actors: 'service',
    build: (c) => {
      const { rng, account, region, actor } = c;
      const key = `arn:aws:kms:${region}:${account.id}:key/${rng.pick(account.kmsKeys)}`;
      const context: JsonObject =
        actor.principal.service === 'lambda.amazonaws.com'
          ? {
              'aws:lambda:FunctionArn': `arn:aws:lambda:${region}:${account.id}:function:${actor.principal.name}`,
            }
          : { PARAMETER_ARN: `arn:aws:ssm:${region}:${account.id}:parameter/app/db-password` };
      return {
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        readOnly: true,
        requestParameters: { encryptionContext: context, encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
        responseElements: null,
        resources: [{ accountId: account.id, type: 'AWS::KMS::Key', ARN: key }],
        eventVersion: '1.08',
        error: rng.chance(0.02)
          ? { code: 'AccessDeniedException', message: notAuthorized(c, 'kms:Decrypt', key) }
          : undefined,
      };
    },
  },
  {
    weight: 0.2,
    actors: 'any',
    build: ({ rng, account, region }) => {
      const keyId = rng.pick(account.kmsKeys);
      return {
        eventSource: 'kms.amazonaws.com',
        eventName: 'RotateKey',
        readOnly: false,
        eventType: 'AwsServiceEvent',
        // AWS-internal events carry no identity type, only the account and `AWS Internal`.
        userIdentity: { accountId: account.id, invokedBy: 'AWS Internal' },
        sourceIPAddress: 'AWS Internal',
        userAgent: 'AWS Internal',
        requestParameters: null,
        responseElements: null,
        additionalEventData: { keyId },
        resources: [
          {
            accountId: account.id,
            type: 'AWS::KMS::Key',
            ARN: `arn:aws:kms:${region}:${account.id}:key/${keyId}`,
          },
        ],
        requestID: null,
        eventVersion: '1.08',
        tls: false,
      };
    },
  },
  {
    weight: 4,
    actors: 'any',
    build: ({ rng }) => {
      const [eventName, requestParameters] = rng.pick<[string, JsonObject]>([
        ['DescribeLogGroups', { limit: 50 }],
        [
          'DescribeLogStreams',
          { logGroupName: '/aws/lambda/orders-api', orderBy: 'LastEventTime', descending: true },
        ],
        ['FilterLogEvents', { logGroupName: '/aws/ssm/sessionlogs', filterPattern: '"sudo"', limit: 100 }],
      ]);
      return {
        eventSource: 'logs.amazonaws.com',
        eventName,
        readOnly: true,
        requestParameters,
        responseElements: null,
      };
    },
  },
  {
    weight: 5,
    actors: 'any',
    build: ({ rng, actor }) => {
      const service = actor.principal.kind === 'service';
      const [eventName, requestParameters] = service
        ? rng.pick<[string, JsonObject]>([
            [
              'GetParameter',
              { name: `/app/${actor.principal.issuerName}/db-password`, withDecryption: true },
            ],
            [
              'GetParameters',
              { names: ['/app/shared/feature-flags', '/app/shared/endpoint'], withDecryption: false },
            ],
          ])
        : rng.pick<[string, JsonObject]>([
            ['DescribeInstanceInformation', { maxResults: 50 }],
            ['DescribeSessions', { state: 'Active', maxResults: 50 }],
            ['GetConnectionStatus', { target: `i-0${rng.hex(16)}` }],
          ]);
      return {
        eventSource: 'ssm.amazonaws.com',
        eventName,
        readOnly: true,
        requestParameters,
        responseElements: null,
      };
    },
  },
  {
    weight: 2,
    actors: 'any',
    build: ({ rng }) => {
      const list = rng.chance(0.6);
      return {
        eventSource: 'lambda.amazonaws.com',
        eventName: list ? 'ListFunctions20150331' : 'GetFunction20150331v2',
        readOnly: true,
        requestParameters: list ? null : { functionName: rng.pick(['orders-api', 'billing-sync']) },
        responseElements: null,
        eventVersion: '1.08',
      };
    },
  },
  {
    weight: 0.5,
    actors: 'human',
    build: (c) => {
      const { rng } = c;
      const start = rng.chance(0.5);
      const instanceId = instanceOf(c);
      const eventName = start ? 'StartInstances' : 'StopInstances';
      return {
        eventSource: 'ec2.amazonaws.com',
        eventName,
        readOnly: false,
        requestParameters: { instancesSet: { items: [{ instanceId }] } },
        responseElements: {
          requestId: rng.uuid(),
          instancesSet: {
            items: [
              {
                instanceId,
                currentState: start ? { code: 0, name: 'pending' } : { code: 64, name: 'stopping' },
                previousState: start ? { code: 80, name: 'stopped' } : { code: 16, name: 'running' },
              },
            ],
          },
        },
        error: rng.chance(0.1)
          ? {
              code: 'Client.UnauthorizedOperation',
              message: `You are not authorized to perform this operation. ${notAuthorized(c, `ec2:${eventName}`)}`,
            }
          : undefined,
      };
    },
  },
  {
    weight: 0.5,
    actors: 'automation',
    build: ({ rng }) => ({
      eventSource: 'ssm.amazonaws.com',
      eventName: 'PutParameter',
      readOnly: false,
      requestParameters: {
        name: rng.pick(['/app/shared/feature-flags', '/app/orders-api/db-password']),
        type: 'SecureString',
        value: 'HIDDEN_DUE_TO_SECURITY_REASONS',
        keyId: 'alias/aws/ssm',
        overwrite: true,
      },
      responseElements: { version: rng.int(2, 40), tier: 'Standard' },
    }),
  },
  {
    weight: 0.3,
    actors: 'human',
    global: true,
    build: (c) => {
      const { rng, account } = c;
      const attach = rng.chance(0.5);
      const denied = rng.chance(0.4);
      const target = attach
        ? `arn:aws:iam::${account.id}:role/ops-readonly`
        : `arn:aws:iam::${account.id}:user/ci-deployer`;
      const eventName = attach ? 'AttachRolePolicy' : 'CreateAccessKey';
      const requestParameters: JsonObject = attach
        ? { roleName: 'ops-readonly', policyArn: 'arn:aws:iam::aws:policy/AdministratorAccess' }
        : { userName: 'ci-deployer' };
      return {
        eventSource: 'iam.amazonaws.com',
        eventName,
        readOnly: false,
        requestParameters,
        responseElements: attach
          ? null
          : {
              accessKey: {
                userName: 'ci-deployer',
                accessKeyId: `AKIA${rng.chars(16, AWS_ID_ALPHABET)}`,
                status: 'Active',
                createDate: stsExpiration(c.ms - HOUR_MS),
              },
            },
        eventVersion: '1.08',
        host: 'iam.amazonaws.com',
        error: denied
          ? { code: 'AccessDenied', message: notAuthorized(c, `iam:${eventName}`, target) }
          : undefined,
      };
    },
  },
];

function browserLike(actor: Actor): string {
  return actor.client === 'browser'
    ? actor.agent
    : 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
}
