import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { drainQueue } from '../addapart/drainQueue.ts';
import type { AddapartStats } from '../addapart/processBatch.ts';
import { embeddedReviewPaths, employeeIdentity, ensureLocalKey, mintToken, teamOf } from '../api/index.ts';
import { type GeneratedManifest, type GenerateOptions, generate } from '../ingest/generate/index.ts';
import { landFiles } from '../ingest/land.ts';
import { type LoglakeConfig, loadConfig } from '../lake/config.ts';
import { openLake } from '../lake/openLake.ts';
import { SESSION_LINES_SQL } from '../sql/sessionReview.ts';
import { runTransform, type TransformSummary } from '../transform/runTransform.ts';
import { printAddapartStats } from './commands/addapart.ts';
import { printTransformSummary } from './commands/transform.ts';
import { DEMO_MANAGERS, demoDirectory } from './demoDirectory.ts';
import { cellText } from './format.ts';
import { type CliIO, progress } from './io.ts';

export interface DemoOptions extends GenerateOptions {
  /** Lake folder; emptied first, so the demo always starts fresh. */
  dir: string;
  /** Sessions to print in the review. */
  review?: number;
  /** Base configuration (filters, limits); the mode is always embedded. */
  config?: LoglakeConfig;
}

export interface DemoResult {
  manifest: GeneratedManifest;
  addapart: AddapartStats;
  transform: TransformSummary;
  reviewed: { sessionid: string; line_count: number; lines: string[] }[];
  /** How to open the review page as one of the demo's managers. */
  review: { manager: string; sessions: number; token: string; url: string; directoryFile: string };
  elapsedMs: number;
}

/** Writes the demo's directory and local key, and mints a token for the manager with most sessions. */
async function prepareReview(config: LoglakeConfig, opts: DemoOptions, manifest: GeneratedManifest) {
  const paths = embeddedReviewPaths(config);
  const entries = demoDirectory(opts);
  await mkdir(dirname(paths.directory), { recursive: true });
  await writeFile(paths.directory, `${JSON.stringify({ employees: entries }, null, 2)}\n`);
  const counts = DEMO_MANAGERS.map((manager) => {
    const team = teamOf(entries, manager);
    const n = manifest.sessions.filter((s) =>
      team.has(employeeIdentity(s.principalArn, s.sourceIdentity) ?? ''),
    ).length;
    return { manager, n };
  }).sort((a, b) => b.n - a.n);
  const { manager, n } = counts[0]!;
  const token = await mintToken(await ensureLocalKey(paths.key), { subject: manager, ttlSeconds: 24 * 3600 });
  const url = `http://127.0.0.1:8787/review/login?token=${token}`;
  return { manager, sessions: n, token, url, directoryFile: paths.directory };
}

/**
 * The main job on the embedded default: generate a data set into a fresh local lake, land it (which
 * notifies), run addapart and transform, then print the run summary and a session review.
 */
export async function runDemo(opts: DemoOptions, io: CliIO): Promise<DemoResult> {
  const started = Date.now();
  await rm(opts.dir, { recursive: true, force: true });
  const base = opts.config ?? loadConfig();
  const config: LoglakeConfig = { ...base, mode: 'embedded', embedded: { ...base.embedded, dir: opts.dir } };
  const lake = await openLake(config);
  try {
    const { files, manifest } = generate(opts);
    io.out(`generating and landing a data set (seed ${manifest.seed}) into ${lake.raw.location}`);
    await landFiles(lake.raw, files);
    io.out(
      `generated ${manifest.files.total} files: ${manifest.files.cloudtrail} CloudTrail, ${manifest.files.cloudwatch} Firehose, ` +
        `${manifest.files.bad} bad, ${manifest.files.skip} digest/insight/check objects`,
    );

    const addapart = await drainQueue(lake);
    printAddapartStats(io, addapart);

    const bar = progress(io, 'transform');
    const transform = await runTransform(lake, { onProgress: bar.update });
    bar.end();
    printTransformSummary(io, transform);

    const engine = await lake.openQueryEngine();
    const reviewed: DemoResult['reviewed'] = [];
    try {
      const sessions = await engine.query(
        'SELECT * FROM session_review ORDER BY line_count DESC, start_time, sessionid LIMIT ?',
        [opts.review ?? 3],
      );
      io.out('');
      io.out(`session review (${sessions.rows.length} of ${manifest.sessions.length} sessions):`);
      for (const s of sessions.rows) {
        io.out('');
        // A denied or failed StartSession has no session id; the review names it by its eventid.
        io.out(s.sessionid ? `session ${s.sessionid}` : `StartSession ${s.review_id} (no session started)`);
        io.out(
          `  started ${cellText(s.start_time)} by ${s.principal_arn}${s.source_identity ? ` (source identity ${s.source_identity})` : ''}`,
        );
        io.out(
          `  account ${s.account_id} region ${s.region} target ${s.target} from ${s.source_ip}${s.error_code ? ` error ${s.error_code}` : ''}`,
        );
        io.out(
          `  ${s.line_count} log events from ${cellText(s.first_line_time)} to ${cellText(s.last_line_time)}:`,
        );
        const detail = s.sessionid
          ? await engine.query(SESSION_LINES_SQL, [String(s.sessionid)])
          : { rows: [] };
        const lines: string[] = [];
        for (const d of detail.rows) {
          for (const line of String(d.sessiondata ?? d.message ?? '').split('\n')) {
            lines.push(line);
            io.out(`    ${cellText(d.eventtime)}  ${line}`);
          }
        }
        reviewed.push({
          sessionid: String(s.sessionid ?? s.review_id),
          line_count: Number(s.line_count),
          lines,
        });
      }
    } finally {
      await engine.close();
    }
    const review = await prepareReview(config, opts, manifest);
    const elapsedMs = Date.now() - started;
    io.out('');
    io.out(
      `demo finished in ${(elapsedMs / 1000).toFixed(1)} s; lake left in ${opts.dir} (try: loglake query --dir ${opts.dir} "SELECT * FROM session_review")`,
    );
    io.out('');
    io.out(
      `review the sessions as ${review.manager} (${review.sessions} sessions of their team; directory ${review.directoryFile}):`,
    );
    io.out(`  1. loglake serve --dir ${opts.dir}`);
    io.out(`  2. open ${review.url}`);
    io.out(
      `  API: curl -H "Authorization: Bearer <token>" http://127.0.0.1:8787/sessions  (token: loglake token --dir ${opts.dir} --as ${review.manager})`,
    );
    return { manifest, addapart, transform, reviewed, review, elapsedMs };
  } finally {
    await lake.close();
  }
}
