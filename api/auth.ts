import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeProtectedHeader,
  errors,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
  jwtVerify,
} from 'jose';
import { AuthError, type AuthFailure } from './errors.ts';

/** Who a verified token says the caller is. */
export interface Caller {
  /** The `sub` claim, lower case: the manager's identity in the directory. */
  identity: string;
}

/** Options of {@link createVerifier}. */
export interface VerifierOptions {
  issuer: string;
  audience: string;
  /** Where the issuer publishes its keys (AWS mode, or any OIDC provider). */
  jwksUri?: string;
  /** Public keys given directly (the local key of embedded mode). */
  jwks?: JSONWebKeySet;
  /** Accepted signature algorithms. Default the asymmetric ones jose supports; never `none`. */
  algorithms?: string[];
  /** Allowed clock skew in seconds. Default 30. */
  clockToleranceSeconds?: number;
}

/** Verifies bearer tokens; throws {@link AuthError} with the reason. */
export type Verifier = (token: string | undefined) => Promise<Caller>;

const ASYMMETRIC = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

function failure(err: unknown): AuthFailure {
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'wrong_issuer';
    if (err.claim === 'aud') return 'wrong_audience';
    if (err.claim === 'nbf' || err.claim === 'iat') return 'not_yet_valid';
    return 'invalid';
  }
  if (err instanceof errors.JWSSignatureVerificationFailed || err instanceof errors.JWKSNoMatchingKey)
    return 'bad_signature';
  if (err instanceof errors.JOSEAlgNotAllowed) return 'unsigned';
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return 'malformed';
  return 'invalid';
}

/**
 * A verifier of bearer JWTs against an issuer, an audience and a key set (remote JWKS or local keys).
 * Only signed tokens with an allowed asymmetric algorithm pass: `alg: none`, HMAC tokens (which a
 * public key could be abused to forge), tampered signatures, other issuers or audiences, expired and
 * not-yet-valid tokens are refused, each with its own reason.
 */
export function createVerifier(opts: VerifierOptions): Verifier {
  let keys: JWTVerifyGetKey;
  if (opts.jwks) keys = createLocalJWKSet(opts.jwks);
  else if (opts.jwksUri) keys = createRemoteJWKSet(new URL(opts.jwksUri));
  else throw new AuthError('invalid', { cause: new Error('no jwksUri or local keys configured') });
  const algorithms = opts.algorithms ?? ASYMMETRIC;
  return async (token) => {
    if (token === undefined || token === '') throw new AuthError('missing_token');
    let alg: string | undefined;
    try {
      alg = decodeProtectedHeader(token).alg;
    } catch (cause) {
      throw new AuthError('malformed', { cause });
    }
    if (alg === undefined || alg.toLowerCase() === 'none' || !algorithms.includes(alg))
      throw new AuthError('unsigned');
    try {
      const { payload } = await jwtVerify(token, keys, {
        issuer: opts.issuer,
        audience: opts.audience,
        algorithms,
        clockTolerance: opts.clockToleranceSeconds ?? 30,
      });
      const sub = typeof payload.sub === 'string' ? payload.sub.trim().toLowerCase() : '';
      if (sub === '') throw new AuthError('no_subject');
      return { identity: sub };
    } catch (err) {
      if (err instanceof AuthError) throw err;
      throw new AuthError(failure(err), { cause: err });
    }
  };
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}
