export { LOGLAKE_RUN_FILES_COLUMNS, LOGLAKE_RUNS_COLUMNS, runTableRows } from '../lake/runTables.ts';
export { createViewSql, SESSION_REVIEW, VIEWS, type ViewDef, viewsFor } from '../lake/views.ts';
export { type ParamValue, toPositional } from './namedParams.ts';
export {
  bindNamedQuery,
  loadQueryPack,
  type NamedQuery,
  namedQuery,
  type PackParam,
  parseParamPairs,
  QUERY_PACK_DIR,
} from './queryPack.ts';
export { runNamedQuery } from './runNamedQuery.ts';
export { SESSION_LINES_SQL, SESSION_REVIEW_ONE_SQL, SESSION_REVIEW_VIEW } from './sessionReview.ts';
