import { automationAgent, browserAgent, cliAgent, publicIp } from './agents.ts';
import { AWS_ID_ALPHABET, type Prng } from './prng.ts';
import { isoSeconds, SECOND_MS } from './time.ts';
import type { Principal } from './world.ts';

/** A JSON value as it appears in request parameters and responses. */
export type JsonValue = string | number | boolean | null | JsonValue[] | JsonObject;
/** A JSON object. */
export interface JsonObject {
  [key: string]: JsonValue;
}

/** `userIdentity` of a CloudTrail record; which fields appear depends on `type`. */
export interface UserIdentity {
  type?: string;
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  identityProvider?: string;
  sessionContext?: JsonObject;
  invokedBy?: string;
}

/** One entry of `resources`. */
export interface TrailResource {
  accountId?: string;
  type: string;
  ARN: string;
}

/**
 * A CloudTrail record, fields in the order AWS writes them. Optional fields left `undefined` are
 * dropped by `JSON.stringify`, which is how records without an error or resources look.
 */
export interface CloudTrailRecord {
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string | undefined;
  errorMessage?: string | undefined;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject | undefined;
  requestID?: string | undefined;
  eventID: string;
  readOnly: boolean;
  resources?: TrailResource[] | undefined;
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  sharedEventID?: string | undefined;
  eventCategory: 'Management';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string } | undefined;
  sessionCredentialFromConsole?: 'true' | undefined;
}

/** How one principal appears in one file: its identity block, address and client. */
export interface Actor {
  principal: Principal;
  identity: UserIdentity;
  sourceIp: string;
  client: 'browser' | 'cli' | 'automation' | 'service';
  /** Fixed user agent for browser and automation clients; the CLI adds the command per call. */
  agent: string;
}

/**
 * The identity a principal shows during one delivery window. Temporary credentials are created a
 * little before the window, so every call in it shares one access key, as a real session does.
 */
export function makeActor(principal: Principal, rng: Prng, windowStartMs: number): Actor {
  const creationDate = isoSeconds(windowStartMs - rng.int(60, 3300) * SECOND_MS);
  const attributes: JsonObject = { creationDate, mfaAuthenticated: principal.mfa ? 'true' : 'false' };
  const tempKey = `ASIA${rng.chars(16, AWS_ID_ALPHABET)}`;
  const { account } = principal;
  let identity: UserIdentity;
  switch (principal.kind) {
    case 'sso':
    case 'role':
    case 'service': {
      const sessionContext: JsonObject = {
        sessionIssuer: {
          type: 'Role',
          principalId: principal.uniqueId,
          arn: principal.issuerArn,
          accountId: account,
          userName: principal.issuerName,
        },
        webIdFederationData: {},
        attributes,
      };
      if (principal.sourceIdentity !== null) sessionContext.sourceIdentity = principal.sourceIdentity;
      if (principal.service === 'ec2.amazonaws.com') sessionContext.ec2RoleDelivery = '2.0';
      identity = {
        type: 'AssumedRole',
        principalId: `${principal.uniqueId}:${principal.name}`,
        arn: principal.arn,
        accountId: account,
        accessKeyId: tempKey,
        sessionContext,
      };
      break;
    }
    case 'iamUser':
      identity = {
        type: 'IAMUser',
        principalId: principal.uniqueId,
        arn: principal.arn,
        accountId: account,
        accessKeyId: principal.accessKeyId,
        userName: principal.name,
      };
      break;
    case 'federated':
      identity = {
        type: 'FederatedUser',
        principalId: `${account}:${principal.name}`,
        arn: principal.arn,
        accountId: account,
        accessKeyId: tempKey,
        sessionContext: {
          sessionIssuer: {
            type: 'IAMUser',
            principalId: principal.uniqueId,
            arn: principal.issuerArn,
            accountId: account,
            userName: principal.issuerName,
          },
          webIdFederationData: {},
          attributes,
        },
      };
      break;
    case 'root':
      identity = {
        type: 'Root',
        principalId: account,
        arn: principal.arn,
        accountId: account,
        accessKeyId: tempKey,
        sessionContext: { attributes },
      };
      break;
  }
  if (principal.kind === 'service') {
    const inVpc = principal.service !== 'lambda.amazonaws.com';
    return {
      principal,
      identity,
      sourceIp: inVpc ? `10.0.${rng.int(0, 63)}.${rng.int(4, 254)}` : publicIp(rng),
      client: 'service',
      agent: automationAgent(rng),
    };
  }
  if (principal.kind === 'iamUser' || principal.kind === 'federated') {
    return {
      principal,
      identity,
      sourceIp: publicIp(rng),
      client: 'automation',
      agent: automationAgent(rng),
    };
  }
  const browser = principal.kind === 'root' || rng.chance(0.4);
  return {
    principal,
    identity,
    sourceIp: publicIp(rng),
    client: browser ? 'browser' : 'cli',
    agent: browser ? browserAgent(rng) : cliAgent(rng, ''),
  };
}

/** What differs between calls; {@link makeRecord} adds the fields every record has. */
export interface CallSpec {
  eventSource: string;
  eventName: string;
  readOnly: boolean;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  resources?: TrailResource[];
  eventType?: CloudTrailRecord['eventType'];
  eventVersion?: string;
  /** A failed call; without a code (failed console sign-ins) the response is kept. */
  error?: { code?: string; message: string };
  /** Overrides of the actor's identity, address and agent (AWS service calls, SAML sign-ins). */
  userIdentity?: UserIdentity;
  sourceIPAddress?: string;
  userAgent?: string;
  /** `null` leaves out `requestID` (service events have none); default a UUID. */
  requestID?: string | null;
  sharedEventID?: string;
  /** Whether the call may carry `tlsDetails`; default true (most such calls then do). */
  tls?: boolean;
  /** Host header; default `<service>.<region>.amazonaws.com`. */
  host?: string;
}

/** Where and when a record happens. */
export interface RecordContext {
  rng: Prng;
  actor: Actor;
  account: string;
  region: string;
  ms: number;
}

/** Fills in the fields every record carries around a call. */
export function makeRecord(ctx: RecordContext, call: CallSpec): CloudTrailRecord {
  const { rng, actor, region } = ctx;
  const service = call.eventSource.slice(0, call.eventSource.indexOf('.'));
  // Most calls arrive over TLS with a host header; some older clients and endpoints log none.
  const tls = (call.tls ?? true) && rng.chance(0.85);
  return {
    eventVersion: call.eventVersion ?? '1.09',
    userIdentity: call.userIdentity ?? actor.identity,
    eventTime: isoSeconds(ctx.ms),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: region,
    sourceIPAddress: call.sourceIPAddress ?? actor.sourceIp,
    userAgent: call.userAgent ?? agentFor(actor, service, call.eventName),
    errorCode: call.error?.code,
    errorMessage: call.error?.message,
    requestParameters: call.requestParameters,
    responseElements: call.error?.code === undefined ? call.responseElements : null,
    additionalEventData: call.additionalEventData,
    requestID: call.requestID === null ? undefined : (call.requestID ?? rng.uuid()),
    eventID: rng.uuid(),
    readOnly: call.readOnly,
    resources: call.resources,
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: ctx.account,
    sharedEventID: call.sharedEventID,
    eventCategory: 'Management',
    tlsDetails: tls
      ? {
          tlsVersion: rng.chance(0.8) ? 'TLSv1.3' : 'TLSv1.2',
          cipherSuite: rng.chance(0.8) ? 'TLS_AES_128_GCM_SHA256' : 'ECDHE-RSA-AES128-GCM-SHA256',
          clientProvidedHostHeader: call.host ?? `${service}.${region}.amazonaws.com`,
        }
      : undefined,
    sessionCredentialFromConsole:
      actor.client === 'browser' && call.userIdentity === undefined ? 'true' : undefined,
  };
}

function agentFor(actor: Actor, service: string, eventName: string): string {
  if (actor.client !== 'cli') return actor.agent;
  // The CLI names the command it ran, in kebab case: ec2.describe-instances.
  const command = eventName
    .replace(/\d{8}(v\d)?$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase();
  return `${actor.agent}${service}.${command}`;
}
