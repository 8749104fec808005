import type { MiddlewareHandler } from 'hono';
import { getCookie } from 'hono/cookie';
import { bearerToken, type Verifier } from './auth.ts';
import type { ReviewEnv } from './env.ts';
import { AuthError } from './errors.ts';

/** Name of the cookie the review page keeps its token in. */
export const TOKEN_COOKIE = 'loglake_token';

/**
 * Verifies the bearer token (or, with `cookie`, the review page's cookie) and sets the caller. A
 * refusal is an {@link AuthError}, answered 401 by the app's error handler.
 */
export function authMiddleware(
  verify: Verifier,
  opts: { cookie?: boolean } = {},
): MiddlewareHandler<ReviewEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization');
    const token =
      header !== undefined ? bearerToken(header) : opts.cookie ? getCookie(c, TOKEN_COOKIE) : undefined;
    if (header !== undefined && token === undefined) throw new AuthError('malformed');
    const caller = await verify(token);
    c.set('caller', caller);
    c.get('audit').actor = caller.identity;
    await next();
  };
}
