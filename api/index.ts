/**
 * Session review for managers (DESIGN §10): the HTTP API and review page over the lake, with JWT
 * authentication, directory-based authorisation and an access log in the lake.
 */
export { createReviewApp, type ReviewAppOptions } from './app.ts';
export { type Caller, createVerifier, type Verifier, type VerifierOptions } from './auth.ts';
export { type DirectoryEntry, loadDirectoryFile, parseDirectory, teamOf } from './directory.ts';
export { AuthError, type AuthFailure, SessionNotFoundError } from './errors.ts';
export { EMPLOYEE_IDENTITY_SQL, employeeIdentity } from './identity.ts';
export {
  ensureLocalKey,
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  type LocalKey,
  mintToken,
  readLocalKey,
} from './localKey.ts';
export { configuredVerifier, embeddedReviewPaths, openReviewApp } from './openReviewApp.ts';
export { ReviewService, type ReviewServiceOptions } from './reviewService.ts';
export { ACCESS_LOG_TABLE, openReviewTables, REVIEWS_TABLE } from './reviewTables.ts';
export type * from './types.ts';
