import { randomUUID } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { errorMessage } from '../lake/errors.ts';
import type { AppendTable } from './appendTable.ts';
import type { ReviewEnv } from './env.ts';

/** `GET /sessions/{id}/transcript` and the session reference, from a request path. */
export function actionOf(method: string, path: string): { action: string; target: string | null } {
  const m = /^\/(review\/)?sessions\/([^/]+)(\/.*)?$/.exec(path);
  if (m === null) return { action: `${method} ${path}`, target: null };
  let target: string;
  try {
    target = decodeURIComponent(m[2]!);
  } catch {
    target = m[2]!;
  }
  return { action: `${method} /${m[1] ?? ''}sessions/{id}${m[3] ?? ''}`, target: target.slice(0, 512) };
}

function sourceIp(env: unknown): string | null {
  const e = env as {
    incoming?: { socket?: { remoteAddress?: string } };
    event?: { requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } } };
  };
  return (
    e?.incoming?.socket?.remoteAddress ??
    e?.event?.requestContext?.http?.sourceIp ??
    e?.event?.requestContext?.identity?.sourceIp ??
    null
  );
}

/**
 * Appends one access-log row per request (who, what, when, result, refusals included) before the
 * response leaves. If the row cannot be stored the caller gets a 500 instead of the data: a read that
 * is not on record does not happen. Tokens and query strings are never logged; the filters are, as
 * validated.
 */
export function accessLogMiddleware(log: AppendTable, now: () => Date): MiddlewareHandler<ReviewEnv> {
  return async (c, next) => {
    const at = now();
    const { action, target } = actionOf(c.req.method, c.req.path);
    c.set('audit', { actor: null, target, result: 'ok', detail: {} });
    await next();
    const audit = c.get('audit');
    try {
      await log.append(
        [
          {
            request_id: randomUUID(),
            logged_at: at,
            actor: audit.actor,
            action,
            target: audit.target,
            status: c.res.status,
            result: audit.result,
            detail: JSON.stringify(audit.detail),
            source_ip: sourceIp(c.env),
          },
        ],
        at,
      );
    } catch (err) {
      console.error(`access log append failed: ${errorMessage(err)}`);
      c.res = c.json({ error: 'internal', message: 'the access log could not be written' }, 500);
    }
  };
}
