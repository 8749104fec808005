import type { OpenAPIHono } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import type { ReviewAppOptions } from './app.ts';
import { authMiddleware, TOKEN_COOKIE } from './authMiddleware.ts';
import type { ReviewEnv } from './env.ts';
import { AuthError, InvalidRequestError } from './errors.ts';
import { layout, listPage, sessionPage } from './html.ts';

/** How far back the review page's to-do list looks. */
export const TODO_LOOKBACK_DAYS = 366;

/**
 * The review page: plain server-rendered HTML and forms, no script. It signs in once from a link
 * carrying a token (`/review/login?token=…`), which it keeps in an HttpOnly, SameSite=Strict cookie;
 * the strict cookie is also what keeps other sites from posting decisions.
 */
export function registerPages(app: OpenAPIHono<ReviewEnv>, opts: ReviewAppOptions): void {
  const { service } = opts;
  const auth = authMiddleware(opts.verify, { cookie: true });

  app.get('/review/login', async (c) => {
    const token = c.req.query('token');
    const caller = await opts.verify(token);
    c.get('audit').actor = caller.identity;
    setCookie(c, TOKEN_COOKIE, token!, {
      httpOnly: true,
      sameSite: 'Strict',
      path: '/',
      secure: opts.secureCookie ?? false,
    });
    return c.redirect('/review', 303);
  });
  app.get('/review/logout', (c) => {
    deleteCookie(c, TOKEN_COOKIE, { path: '/' });
    return c.html(layout('Signed out', '<p>You are signed out.</p>'));
  });
  app.get('/review', auth, async (c) => {
    const caller = c.get('caller');
    // The to-do list looks back a year, so a session long overdue still shows.
    const from = new Date(Date.now() - TODO_LOOKBACK_DAYS * 86_400_000);
    const [overdue, pending] = await Promise.all([
      service.list(caller, { state: 'overdue', limit: 200, from }),
      service.list(caller, { state: 'pending', limit: 200, from }),
    ]);
    c.get('audit').detail = { overdue: overdue.sessions.length, pending: pending.sessions.length };
    return c.html(listPage(caller.identity, overdue.sessions, pending.sessions));
  });
  app.get('/review/sessions/:id', auth, async (c) => {
    const caller = c.get('caller');
    const detail = await service.get(caller, c.req.param('id'));
    return c.html(sessionPage(caller.identity, detail, c.req.query('saved') === '1'));
  });
  app.get('/review/sessions/:id/transcript', auth, async (c) => {
    const text = await service.transcript(c.get('caller'), c.req.param('id'));
    return c.text(text, 200, { 'content-type': 'text/plain; charset=utf-8' });
  });
  app.post('/review/sessions/:id', auth, async (c) => {
    if (c.req.header('sec-fetch-site') === 'cross-site') throw new AuthError('invalid');
    const form = await c.req.parseBody();
    const decision = form.decision;
    if (decision !== 'justified' && decision !== 'not_justified')
      throw new InvalidRequestError('choose justified or not justified');
    const comment = typeof form.comment === 'string' ? form.comment.trim().slice(0, 4000) : '';
    c.get('audit').detail = { decision };
    const id = c.req.param('id');
    await service.decide(c.get('caller'), id, decision, comment);
    return c.redirect(`/review/sessions/${encodeURIComponent(id)}?saved=1`, 303);
  });
}
