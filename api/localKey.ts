import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JSONWebKeySet, type JWK, SignJWT } from 'jose';
import { ConfigError } from '../lake/errors.ts';

/** Issuer and audience of the tokens the local key signs (embedded mode). */
export const LOCAL_ISSUER = 'loglake-local';
export const LOCAL_AUDIENCE = 'loglake-review';
const ALG = 'ES256';

/** The local signing key of embedded mode: its private JWK and the public key set to verify with. */
export interface LocalKey {
  privateJwk: JWK;
  jwks: JSONWebKeySet;
}

function publicPart(jwk: JWK): JWK {
  const { d: _d, ...pub } = jwk;
  return pub;
}

/** Reads the local key at `path`; undefined when there is none yet. */
export async function readLocalKey(path: string): Promise<LocalKey | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let jwk: JWK;
  try {
    jwk = JSON.parse(text) as JWK;
  } catch (cause) {
    throw new ConfigError(`local signing key is not valid JSON: ${path}`, { file: path }, { cause });
  }
  return { privateJwk: jwk, jwks: { keys: [publicPart(jwk)] } };
}

/** Reads the local key at `path`, creating it (ES256, file mode 0600) when missing. */
export async function ensureLocalKey(path: string): Promise<LocalKey> {
  const existing = await readLocalKey(path);
  if (existing) return existing;
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const jwk = { ...(await exportJWK(privateKey)), alg: ALG, kid: randomUUID(), use: 'sig' };
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' }).catch(async (err) => {
    // Another process created it first: use theirs.
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  });
  return (await readLocalKey(path))!;
}

/** Options of {@link mintToken}. */
export interface MintOptions {
  subject: string;
  issuer?: string;
  audience?: string;
  /** Lifetime in seconds. Default 8 hours. */
  ttlSeconds?: number;
}

/** Signs a token for `subject` with the local key, for trying the review page out. */
export async function mintToken(key: LocalKey, opts: MintOptions): Promise<string> {
  const jwk = key.privateJwk;
  const privateKey = await importJWK(jwk, ALG);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, ...(jwk.kid ? { kid: jwk.kid } : {}) })
    .setSubject(opts.subject)
    .setIssuer(opts.issuer ?? LOCAL_ISSUER)
    .setAudience(opts.audience ?? LOCAL_AUDIENCE)
    .setIssuedAt()
    .setNotBefore('0s')
    .setExpirationTime(`${opts.ttlSeconds ?? 8 * 3600}s`)
    .sign(privateKey);
}
