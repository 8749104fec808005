import { LoglakeError } from '../lake/errors.ts';

/** Why a bearer token was refused; stable codes for the access log (never the token itself). */
export type AuthFailure =
  | 'missing_token'
  | 'malformed'
  | 'unsigned'
  | 'bad_signature'
  | 'expired'
  | 'not_yet_valid'
  | 'wrong_issuer'
  | 'wrong_audience'
  | 'no_subject'
  | 'invalid';

/** The request carries no valid bearer token. */
export class AuthError extends LoglakeError {
  constructor(
    readonly reason: AuthFailure,
    options?: { cause?: unknown },
  ) {
    super(`authentication failed: ${reason}`, { reason }, options);
  }
}

/** A session that does not exist, or that the caller may not see: the two are never told apart. */
export class SessionNotFoundError extends LoglakeError {}

/** A request parameter is not valid (beyond what its schema checks). */
export class InvalidRequestError extends LoglakeError {}
