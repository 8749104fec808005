import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, type LocalKey, mintToken } from '../../api/index.ts';

const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

/** Every kind of bad token, by name, for `subject` (a real manager, so only the token is wrong). */
export async function badTokens(key: LocalKey, subject: string): Promise<Record<string, string>> {
  const good = await mintToken(key, { subject });
  const [h, p, s] = good.split('.') as [string, string, string];
  const claims = { sub: subject, iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, iat: nowS(), exp: nowS() + 3600 };
  const other = await generateKeyPair('ES256');
  const otherJwk = await exportJWK(other.publicKey);
  // The tampered token keeps the signature of the original claims but names another subject.
  const tamperedPayload = b64({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), sub: 'director-1' });
  const flipped = `${s.slice(0, -4)}${s.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
  return {
    unsigned: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`,
    algNoneWithSignature: `${b64({ alg: 'none' })}.${b64(claims)}.${s}`,
    hmacWithPublicKey: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .sign(new TextEncoder().encode(JSON.stringify(key.jwks.keys[0]))),
    wrongAudience: await mintToken(key, { subject, audience: 'someone-else' }),
    wrongIssuer: await mintToken(key, { subject, issuer: 'https://evil.example' }),
    expired: await new SignJWT({ ...claims, iat: nowS() - 7200, exp: nowS() - 3600 })
      .setProtectedHeader({ alg: 'ES256', kid: key.privateJwk.kid! })
      .sign(await importPrivate(key)),
    notYetValid: await new SignJWT({ ...claims, nbf: nowS() + 3600 })
      .setProtectedHeader({ alg: 'ES256', kid: key.privateJwk.kid! })
      .sign(await importPrivate(key)),
    tamperedPayload: `${h}.${tamperedPayload}.${s}`,
    tamperedSignature: `${h}.${p}.${flipped}`,
    otherKey: await new SignJWT(claims)
      .setProtectedHeader({ alg: 'ES256', kid: otherJwk.kid ?? key.privateJwk.kid! })
      .sign(other.privateKey),
    garbage: 'not-a-jwt',
    noSubject: await new SignJWT({ ...claims, sub: undefined })
      .setProtectedHeader({ alg: 'ES256', kid: key.privateJwk.kid! })
      .sign(await importPrivate(key)),
  };
}

async function importPrivate(key: LocalKey) {
  const { importJWK } = await import('jose');
  return importJWK(key.privateJwk, 'ES256');
}
