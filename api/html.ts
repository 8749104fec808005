import type { SessionDetail, SessionSummary } from './types.ts';

/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
}

/** `2026-11-01 08:15:02 UTC`: how the page shows times. */
export function utc(isoTime: string | null): string {
  if (!isoTime) return '';
  const d = new Date(isoTime);
  return Number.isNaN(d.getTime()) ? isoTime : `${d.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

const STYLE = `
body{font-family:system-ui,sans-serif;margin:0;color:#111;background:#fff;line-height:1.4}
header,main{padding:0.75rem 1.5rem}header{background:#123;color:#fff}header a{color:#fff}
a:focus,button:focus,input:focus,textarea:focus,summary:focus{outline:3px solid #f90;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;color:#000;padding:.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem}th,td{border:1px solid #bbb;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef}pre{background:#f6f6f6;padding:.5rem;overflow:auto}
.overdue{color:#a00;font-weight:bold}.state{font-weight:bold}
fieldset{border:1px solid #bbb;margin:.5rem 0}textarea{width:100%;max-width:40rem}
button{font-size:1rem;padding:.4rem 1rem}.saved{background:#dfd;padding:.5rem;border:1px solid #6a6}
`;

/** A whole page. */
export function layout(title: string, body: string, identity?: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · loglake review</title><style>${STYLE}</style></head>
<body><a class="skip" href="#main">Skip to content</a>
<header><strong>loglake session review</strong> · <a href="/review">Reviews to do</a>${
    identity ? ` · signed in as ${esc(identity)} · <a href="/review/logout">Sign out</a>` : ''
  } · all times UTC</header>
<main id="main"><h1>${esc(title)}</h1>
${body}
</main></body></html>`;
}

export function errorPage(title: string, message: string): string {
  return layout(title, `<p>${esc(message)}</p>`);
}

function sessionRows(sessions: SessionSummary[]): string {
  if (sessions.length === 0) return '<p>None.</p>';
  const rows = sessions
    .map(
      (s) => `<tr><td><a href="/review/sessions/${encodeURIComponent(s.id)}">${esc(s.id)}</a></td>
<td>${esc(s.employee)}</td><td>${esc(s.accountId)}</td><td>${esc(s.target)}</td><td>${esc(utc(s.startTime))}</td>
<td class="${s.state === 'overdue' ? 'overdue' : ''}">${esc(utc(s.dueAt))}</td><td>${esc(s.errorCode ?? '')}</td></tr>`,
    )
    .join('\n');
  return `<table><thead><tr><th scope="col">Session</th><th scope="col">Employee</th><th scope="col">Account</th>
<th scope="col">Target</th><th scope="col">Started</th><th scope="col">Due</th><th scope="col">Error</th></tr></thead>
<tbody>${rows}</tbody></table>`;
}

/** The list of reviews to do. */
export function listPage(identity: string, overdue: SessionSummary[], pending: SessionSummary[]): string {
  return layout(
    'Reviews to do',
    `<p>Sessions of your team with elevated access, to confirm or deny within 7 days of their start.</p>
<h2>Overdue (${overdue.length})</h2>${sessionRows(overdue)}
<h2>Pending (${pending.length})</h2>${sessionRows(pending)}`,
    identity,
  );
}

const STATE_TEXT = {
  pending: 'pending',
  overdue: 'overdue',
  justified: 'justified',
  not_justified: 'not justified',
};

/** One session: metadata, decisions, the form, context and lines. */
export function sessionPage(identity: string, d: SessionDetail, saved: boolean): string {
  const s = d.session;
  const meta: [string, string | null][] = [
    ['Session id', s.sessionId],
    ['StartSession event id', s.eventId],
    ['Employee', s.employee],
    ['Principal', s.principalArn],
    ['Principal type', s.principalType],
    ['Source identity', s.sourceIdentity],
    ['Account', s.accountId],
    ['Region', s.region],
    ['Target', s.target],
    ['Source IP', s.sourceIp],
    ['User agent', s.userAgent],
    ['Error code', s.errorCode],
    ['Error message', s.errorMessage],
    ['Started', utc(s.startTime)],
    ['Ended', utc(d.endTime)],
    ['Review due', utc(s.dueAt)],
    ['Review state', STATE_TEXT[s.state]],
  ];
  const metaRows = meta
    .map(([k, v]) => `<tr><th scope="row">${esc(k)}</th><td>${esc(v ?? '—')}</td></tr>`)
    .join('\n');
  const decisions =
    d.decisions.length === 0
      ? '<p>No decision yet.</p>'
      : `<table><thead><tr><th scope="col">Decided</th><th scope="col">By</th><th scope="col">Decision</th><th scope="col">Comment</th></tr></thead><tbody>${d.decisions
          .map(
            (x) =>
              `<tr><td>${esc(utc(x.decidedAt))}</td><td>${esc(x.reviewer)}</td><td>${esc(STATE_TEXT[x.decision])}</td><td>${esc(x.comment)}</td></tr>`,
          )
          .join('')}</tbody></table><p>The latest decision counts; earlier ones stay on record.</p>`;
  const calls =
    d.context.calls.length === 0
      ? '<p>No other API calls of this principal in the window.</p>'
      : `<table><thead><tr><th scope="col">Time</th><th scope="col">Call</th><th scope="col">Region</th><th scope="col">Source IP</th><th scope="col">Error</th></tr></thead><tbody>${d.context.calls
          .map(
            (x) =>
              `<tr><td>${esc(utc(x.time))}</td><td>${esc(`${x.eventSource ?? ''} ${x.eventName ?? ''}`)}</td><td>${esc(x.region)}</td><td>${esc(x.sourceIp)}</td><td>${esc(x.errorCode ?? '')}</td></tr>`,
          )
          .join('')}</tbody></table>${d.context.truncated ? '<p>(More calls than shown.)</p>' : ''}`;
  const lines =
    d.lines.length === 0
      ? '<p>No keystroke lines (the session did not start, or logged nothing).</p>'
      : `<pre aria-label="keystroke lines">${d.lines.map((l) => `${esc(utc(l.time))}  ${esc(l.text)}`).join('\n')}</pre>`;
  const id = encodeURIComponent(s.id);
  return layout(
    `Session ${s.id}`,
    `${saved ? '<p class="saved" role="status">Decision recorded.</p>' : ''}
<p>State: <span class="state">${esc(STATE_TEXT[s.state])}</span>. <a href="/review/sessions/${id}/transcript">Plain-text transcript</a></p>
<h2>StartSession</h2><table><tbody>${metaRows}</tbody></table>
<h2>Decision</h2>${decisions}
<form method="post" action="/review/sessions/${id}">
<fieldset><legend>Was this use of elevated access justified?</legend>
<p><input type="radio" id="d-justified" name="decision" value="justified" required><label for="d-justified"> Justified</label></p>
<p><input type="radio" id="d-not" name="decision" value="not_justified"><label for="d-not"> Not justified</label></p>
</fieldset>
<p><label for="comment">Comment</label><br><textarea id="comment" name="comment" rows="3" maxlength="4000"></textarea></p>
<p><button type="submit">Record decision</button></p>
</form>
<h2>Context: API calls from ${esc(utc(d.context.from))} to ${esc(utc(d.context.to))}</h2>${calls}
<h2>Keystroke lines (${d.lines.length})</h2>${lines}`,
    identity,
  );
}
