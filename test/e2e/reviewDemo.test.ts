/**
 * End to end on the demo lake: `loglake demo` prints a sign-in link for one of its managers; the
 * review server over that lake serves exactly that manager's sessions, and a real browser (Debian's
 * chromium through playwright-core) reviews one with the keyboard alone.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employeeIdentity, teamOf } from '../../api/index.ts';
import { type ReviewServer, startReviewServer } from '../../api/server.ts';
import { type DemoResult, runDemo } from '../../cli/demo.ts';
import { demoDirectory } from '../../cli/demoDirectory.ts';
import type { CliIO } from '../../cli/io.ts';
import { configSchema } from '../../lake/config.ts';
import type { Lake } from '../../lake/lake.ts';
import { reopenLake } from '../helpers/tempLake.ts';

const GEN = { seed: 11, accounts: 3, days: 2, sessions: 9 };
const ARTIFACTS = join(process.cwd(), 'test-results', 'review');

let dir: string;
let demo: DemoResult;
let printed: string[];
let lake: Lake;
let server: ReviewServer;
beforeAll(async () => {
  dir = join(await mkdtemp(join(tmpdir(), 'loglake-review-demo-')), 'lake');
  printed = [];
  const io: CliIO = { out: (l) => printed.push(l), err: () => {}, isTTY: false };
  demo = await runDemo({ dir, ...GEN, config: configSchema.parse({}) }, io);
  lake = await reopenLake(dir);
  server = await startReviewServer(lake, { port: 0 });
});
afterAll(async () => {
  await server?.close();
  await lake?.close();
  await rm(dir, { recursive: true, force: true });
});

const api = (path: string, init: RequestInit = {}) =>
  fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${demo.review.token}`, ...(init.headers ?? {}) },
  });

describe('the demo’s review link', () => {
  it('is printed at the end, with the command that serves it', () => {
    const tail = printed.slice(-4).join('\n');
    expect(tail).toContain(`review the sessions as ${demo.review.manager}`);
    expect(tail).toContain(`loglake serve --dir ${dir}`);
    expect(tail).toContain(`/review/login?token=${demo.review.token}`);
  });

  it('signs in a manager who sees exactly their team’s generated sessions, with every line', async () => {
    const team = teamOf(demoDirectory(GEN), demo.review.manager);
    const expected = demo.manifest.sessions.filter((s) =>
      team.has(employeeIdentity(s.principalArn, s.sourceIdentity)!),
    );
    expect(expected.length).toBe(demo.review.sessions);
    expect(expected.length).toBeGreaterThan(0);
    const r = await api('/sessions?from=2026-10-01T00:00:00Z&limit=200');
    expect(r.status).toBe(200);
    const { sessions } = (await r.json()) as { sessions: { id: string; state: string }[] };
    expect(sessions.map((s) => s.id).sort()).toEqual(expected.map((s) => s.sessionId).sort());
    for (const s of expected) {
      const d = (await (await api(`/sessions/${encodeURIComponent(s.sessionId)}`)).json()) as {
        lines: unknown[];
        session: { principalArn: string; target: string; startTime: string };
      };
      expect(d.lines).toHaveLength(s.lines);
      expect(d.session).toMatchObject({ principalArn: s.principalArn, target: s.target });
      expect(d.session.startTime.replace('.000Z', 'Z')).toBe(s.startTime);
    }
  });
});

describe('the review page in a real browser', () => {
  let browser: Browser;
  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    });
  });
  afterAll(async () => browser?.close());

  it('lists the reviews to do and records a decision with the keyboard only', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const login = demo.review.url.replace('http://127.0.0.1:8787', server.url);
    await page.goto(login);
    expect(new URL(page.url()).pathname).toBe('/review');
    expect(await page.textContent('h1')).toBe('Reviews to do');
    const body = (await page.textContent('main'))!;
    expect(body).toContain('UTC');
    expect(body).not.toMatch(/\d{2}:\d{2}:\d{2}(?!\s*UTC)\s+(AM|PM|GMT|\+)/);
    await page.screenshot({ path: join(ARTIFACTS, 'review-list.png'), fullPage: true });

    // Tab to the first session link and open it with Enter.
    const tabTo = async (matches: string, max = 80): Promise<void> => {
      for (let i = 0; i < max; i++) {
        await page.keyboard.press('Tab');
        if (await page.evaluate((sel) => document.activeElement?.matches(sel) ?? false, matches)) return;
      }
      throw new Error(`could not reach ${matches} with Tab`);
    };
    await tabTo('a[href^="/review/sessions/"]');
    const href = await page.evaluate(() =>
      (document.activeElement as HTMLAnchorElement).getAttribute('href'),
    );
    await Promise.all([page.waitForURL((u) => u.pathname === href), page.keyboard.press('Enter')]);
    expect(await page.textContent('h1')).toMatch(/^Session /);
    expect(await page.textContent('main')).toContain('Keystroke lines');

    await tabTo('#d-justified');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#d-justified')).toBe(true);
    await tabTo('#comment');
    await page.keyboard.type('change ticket OPS-42, checked with the on-call log');
    await tabTo('button[type="submit"]');
    await Promise.all([
      page.waitForURL((u) => u.searchParams.get('saved') === '1'),
      page.keyboard.press('Enter'),
    ]);
    expect(await page.textContent('[role="status"]')).toBe('Decision recorded.');
    expect(await page.textContent('main')).toContain('change ticket OPS-42');
    await page.screenshot({ path: join(ARTIFACTS, 'review-session.png'), fullPage: true });

    const id = decodeURIComponent(href!.slice('/review/sessions/'.length));
    const d = (await (await api(`/sessions/${encodeURIComponent(id)}`)).json()) as {
      session: { state: string; reviewer: string };
    };
    expect(d.session).toMatchObject({ state: 'justified', reviewer: demo.review.manager });
    await page.close();
  });

  it('puts every page request of the browser on record', async () => {
    const engine = await lake.openQueryEngine();
    try {
      const rows = (
        await engine.query(
          "SELECT action, status, actor FROM loglake_access_log WHERE action LIKE 'GET /review%' OR action LIKE 'POST /review%' ORDER BY logged_at",
        )
      ).rows;
      expect(rows.map((r) => `${r.action} ${r.status}`)).toEqual([
        'GET /review/login 303',
        'GET /review 200',
        'GET /review/sessions/{id} 200',
        'POST /review/sessions/{id} 303',
        'GET /review/sessions/{id} 200',
      ]);
      expect(new Set(rows.map((r) => r.actor))).toEqual(new Set([demo.review.manager]));
    } finally {
      await engine.close();
    }
  });
});
