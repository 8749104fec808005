import { stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { LoglakeConfig } from '../lake/config.ts';
import { ConfigError } from '../lake/errors.ts';
import type { Lake } from '../lake/lake.ts';
import { createReviewApp } from './app.ts';
import { createVerifier, type Verifier } from './auth.ts';
import { type DirectoryEntry, loadDirectoryFile, loadDirectoryTable } from './directory.ts';
import { EngineHolder } from './engineHolder.ts';
import type { ReviewEnv } from './env.ts';
import { ensureLocalKey, LOCAL_AUDIENCE, LOCAL_ISSUER } from './localKey.ts';
import { ReviewService } from './reviewService.ts';
import { openReviewTables } from './reviewTables.ts';

/** Where embedded mode keeps the review's files, under the lake folder. */
export function embeddedReviewPaths(config: LoglakeConfig): { directory: string; key: string } {
  const dir = resolve(config.embedded.dir, 'review');
  return { directory: join(dir, 'directory.json'), key: join(dir, 'signing-key.jwk.json') };
}

/** The token verifier the configuration asks for: its issuer's JWKS, or embedded, the local key. */
export async function configuredVerifier(config: LoglakeConfig): Promise<Verifier> {
  const r = config.review;
  if (r.jwksUri !== undefined) {
    if (r.issuer === undefined || r.audience === undefined)
      throw new ConfigError('review.jwksUri needs review.issuer and review.audience', { setting: 'review' });
    return createVerifier({ issuer: r.issuer, audience: r.audience, jwksUri: r.jwksUri });
  }
  if (config.mode !== 'embedded')
    throw new ConfigError('missing setting review.jwksUri (env LOGLAKE_REVIEW_JWKS_URI)', {
      setting: 'review.jwksUri',
    });
  const key = await ensureLocalKey(embeddedReviewPaths(config).key);
  return createVerifier({
    issuer: r.issuer ?? LOCAL_ISSUER,
    audience: r.audience ?? LOCAL_AUDIENCE,
    jwks: key.jwks,
    algorithms: ['ES256'],
  });
}

/** The directory, re-read when its file changes (checked at most every `ttlMs`). */
function directorySource(lake: Lake, engines: EngineHolder, ttlMs = 5000): () => Promise<DirectoryEntry[]> {
  const r = lake.config.review;
  let cached: { entries: DirectoryEntry[]; at: number; version: string } | undefined;
  const file =
    r.directoryFile !== undefined
      ? resolve(r.directoryFile)
      : lake.config.mode === 'embedded'
        ? embeddedReviewPaths(lake.config).directory
        : undefined;
  return async () => {
    // A table costs a query (on AWS, an Athena run): it is read again only every few minutes.
    const ttl = r.directoryTable !== undefined ? 60 * ttlMs : ttlMs;
    if (cached && Date.now() - cached.at < ttl) return cached.entries;
    if (r.directoryTable !== undefined) {
      const entries = await engines.use((e) => loadDirectoryTable(e, r.directoryTable!));
      cached = { entries, at: Date.now(), version: '' };
      return entries;
    }
    if (file === undefined)
      throw new ConfigError('missing setting review.directoryFile or review.directoryTable', {
        setting: 'review.directoryFile',
      });
    const s = await stat(file).catch(() => undefined);
    if (s === undefined) throw new ConfigError(`directory file not found: ${file}`, { file });
    const version = `${s.mtimeMs}:${s.size}`;
    if (cached?.version === version) {
      cached.at = Date.now();
      return cached.entries;
    }
    const entries = await loadDirectoryFile(file);
    cached = { entries, at: Date.now(), version };
    return entries;
  };
}

/**
 * Wires the review app over a lake: its tables, the directory, the verifier and the service. Used by
 * `loglake serve` and by the Lambda handler alike.
 */
export async function openReviewApp(
  lake: Lake,
  opts: {
    now?: () => Date;
    verify?: Verifier;
    secureCookie?: boolean;
    /** Age at which the query engine is reopened to see newly published data. Default 30 s. */
    engineMaxAgeMs?: number;
  } = {},
): Promise<{ app: OpenAPIHono<ReviewEnv>; service: ReviewService; close(): Promise<void> }> {
  const tables = await openReviewTables(lake);
  const engines = new EngineHolder(() => lake.openQueryEngine(), opts.engineMaxAgeMs);
  const directory = directorySource(lake, engines);
  // A missing or broken directory stops the server at start, with the file or table named, rather
  // than failing every request later.
  await directory();
  const service = new ReviewService({
    engines,
    tables,
    directory,
    transitive: lake.config.review.transitive,
    contextWindowMinutes: lake.config.review.contextWindowMinutes,
    now: opts.now,
  });
  const verify = opts.verify ?? (await configuredVerifier(lake.config));
  const app = createReviewApp({ service, verify, tables, secureCookie: opts.secureCookie });
  return { app, service, close: () => engines.close() };
}
