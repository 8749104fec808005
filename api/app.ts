import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import { accessLogMiddleware } from './accessLogMiddleware.ts';
import type { Verifier } from './auth.ts';
import { authMiddleware } from './authMiddleware.ts';
import type { ReviewEnv } from './env.ts';
import { AuthError, InvalidRequestError, SessionNotFoundError } from './errors.ts';
import { errorPage } from './html.ts';
import { registerPages } from './pages.ts';
import type { ReviewService } from './reviewService.ts';
import type { ReviewTables } from './reviewTables.ts';
import { registerApiRoutes } from './routes.ts';

/** What the review app is made of. */
export interface ReviewAppOptions {
  service: ReviewService;
  verify: Verifier;
  tables: ReviewTables;
  /** Serve the review page under `/review`. Default true. */
  pages?: boolean;
  /** Mark the review page's cookie `Secure` (behind HTTPS). Default false. */
  secureCookie?: boolean;
  /** Clock of the access log. Default the system clock. */
  logClock?: () => Date;
}

/** The one body every "no such session" answers with, whatever the reason. */
const NOT_FOUND = { error: 'not_found', message: 'session not found' } as const;

function onError(err: Error, c: Context<ReviewEnv>): Response {
  const audit = c.get('audit');
  const html = c.req.path.startsWith('/review');
  if (err instanceof AuthError) {
    if (audit) Object.assign(audit, { result: 'unauthenticated', detail: { reason: err.reason } });
    c.header('WWW-Authenticate', 'Bearer error="invalid_token"');
    return html
      ? c.html(
          errorPage('Sign-in needed', 'Open the review link printed by `loglake token` or `loglake demo`.'),
          401,
        )
      : c.json({ error: 'unauthenticated', message: 'a valid bearer token is required' }, 401);
  }
  if (err instanceof SessionNotFoundError) {
    if (audit) audit.result = String(err.context.reason ?? 'not_found');
    return html
      ? c.html(errorPage('Not found', 'No such session in your team.'), 404)
      : c.json(NOT_FOUND, 404);
  }
  if (err instanceof InvalidRequestError) {
    if (audit) Object.assign(audit, { result: 'invalid_request', detail: { message: err.message } });
    return c.json({ error: 'invalid_request', message: err.message }, 400);
  }
  if (err instanceof HTTPException && err.status < 500) {
    // Hono's own refusals, e.g. a body that is not JSON.
    if (audit) Object.assign(audit, { result: 'invalid_request', detail: { message: err.message } });
    return c.json({ error: 'invalid_request', message: err.message || 'invalid request' }, err.status);
  }
  console.error(`review API error: ${err.name}: ${err.message}`);
  if (audit) Object.assign(audit, { result: 'error', detail: { error: err.name } });
  return c.json({ error: 'internal', message: 'internal error' }, 500);
}

/** A clock that never repeats or goes back a millisecond, so access-log rows sort in request order. */
function monotonic(clock: () => Date): () => Date {
  let last = 0;
  return () => {
    last = Math.max(clock().getTime(), last + 1);
    return new Date(last);
  };
}

/**
 * The session-review app: the JSON API (`/sessions…`, described at `/openapi.json`) and the review
 * page (`/review…`). The same app runs on `loglake serve` and in Lambda. Every request but the
 * OpenAPI document is on record in the access log, refusals included.
 */
export function createReviewApp(opts: ReviewAppOptions): OpenAPIHono<ReviewEnv> {
  const now = monotonic(opts.logClock ?? (() => new Date()));
  const app = new OpenAPIHono<ReviewEnv>({
    defaultHook: (result, c) => {
      if (result.success) return;
      const issue = result.error.issues[0];
      const message = issue ? `${issue.path.join('.') || 'request'}: ${issue.message}` : 'invalid request';
      Object.assign(c.get('audit'), { result: 'invalid_request', detail: { message } });
      return c.json({ error: 'invalid_request', message }, 400);
    },
  });
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  app.doc('/openapi.json', {
    openapi: '3.0.3',
    info: { title: 'loglake session review', version: '1' },
  });
  app.get('/', (c) => c.redirect('/review', 302));
  // `/x/*` also matches `/x` in Hono: one registration each, or requests are logged twice.
  app.use('/sessions/*', accessLogMiddleware(opts.tables.accessLog, now), authMiddleware(opts.verify));
  registerApiRoutes(app, opts.service);
  if (opts.pages !== false) {
    app.use('/review/*', accessLogMiddleware(opts.tables.accessLog, now));
    registerPages(app, opts);
  }
  app.notFound((c) => {
    const audit = c.get('audit');
    if (audit) audit.result = 'no_route';
    return c.json({ error: 'not_found', message: 'no such route' }, 404);
  });
  app.onError(onError);
  return app;
}
