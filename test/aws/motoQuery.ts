/**
 * Calls to moto for the services loglake has no SDK client for (SNS, EventBridge), only to build
 * the notification routes a real estate uses. moto routes a request by the service named in the
 * credential scope and does not check signatures, so a fixed one does.
 */
import { motoEndpoint, REGION } from './motoFixture.ts';

const authorization = (service: string) =>
  `AWS4-HMAC-SHA256 Credential=test/20260101/${REGION}/${service}/aws4_request, SignedHeaders=host, Signature=0`;

async function call(
  service: string,
  init: { headers: Record<string, string>; body: string },
): Promise<string> {
  const res = await fetch(`${motoEndpoint()}/`, {
    method: 'POST',
    headers: { ...init.headers, authorization: authorization(service) },
    body: init.body,
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`moto ${service}: ${res.status} ${text.slice(0, 300)}`);
  return text;
}

/** An SNS Query API action; answers the XML. */
export function sns(action: string, params: Record<string, string>): Promise<string> {
  return call('sns', {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ Action: action, Version: '2010-03-31', ...params }).toString(),
  });
}

/** An EventBridge JSON API action; answers the parsed JSON. */
export async function events(action: string, body: object): Promise<Record<string, unknown>> {
  const text = await call('events', {
    headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `AWSEvents.${action}` },
    body: JSON.stringify(body),
  });
  return JSON.parse(text) as Record<string, unknown>;
}
