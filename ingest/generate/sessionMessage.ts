import type { Prng } from './prng.ts';
import type { SessionPlan } from './sessionPlan.ts';
import { isoSeconds } from './time.ts';

// What people type in sessions and what comes back. Some lines carry quotes, backslashes, tabs,
// non-ASCII text and `}{`, which naive splitters and escapers get wrong.
const LINES = [
  '$ sudo -i',
  '# cat /etc/shadow',
  'root:*:19700:0:99999:7:::',
  '$ whoami',
  'ssm-user',
  '$ uptime',
  ' 08:15:09 up 12 days,  3:04,  0 users,  load average: 0.08, 0.03, 0.01',
  '$ ls -la /var/log',
  'drwxr-xr-x 12 root root 4096 Nov  1 07:59 .',
  '-rw-r----- 1 syslog adm 1843200 Nov  1 08:14 auth.log',
  '$ sudo systemctl restart nginx',
  '$ journalctl -u app --since "10 min ago" | tail -n 3',
  '$ grep -r "password" /etc/app/ 2>/dev/null',
  '/etc/app/config.yaml:  password: "%DB_PASSWORD%"',
  '$ cat a.json b.json',
  '{"id":1,"ok":true}{"id":2,"ok":false}',
  '$ printf \'%s\\n\' "tab\\there"',
  'C:\\Windows\\system32> whoami /priv',
  'PS C:\\Users\\ssm-user> Get-Content "C:\\ProgramData\\app\\settings.json"',
  '$ curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/',
  'ec2-app-instance-role',
  '$ aws s3 ls s3://data-exports/ --recursive | head',
  '$ history -c',
  '$ echo "quoted \\"inner\\" text" > /tmp/note.txt',
  '$ tar czf /tmp/backup.tgz /var/www && ls -lh /tmp/backup.tgz',
  '$ echo ✓ déploiement terminé — 完了',
  '$ docker ps --format "{{.Names}}\\t{{.Status}}"',
  'web-frontend\tUp 3 hours',
  "$ echo '}{'",
  '$ exit',
];

/** The `sessionData` lines of one log event; `withBraces` makes sure one line holds `}{`. */
export function sessionLines(rng: Prng, count: number, withBraces: boolean): string[] {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    // Now and then a long output line, as `ps` or `env` print.
    lines.push(
      rng.chance(0.08)
        ? `USER=ssm-user PATH=/usr/local/bin:/usr/bin TOKEN_FILE=/run/secrets/${rng.hex(48)}`
        : rng.pick(LINES),
    );
  }
  if (withBraces) lines[0] = "$ echo '}{'";
  return lines;
}

/** The JSON text the SSM agent writes as the CloudWatch message of one session log event. */
export function sessionMessage(plan: SessionPlan, ms: number, lines: readonly string[]): string {
  return JSON.stringify({
    eventVersion: '1.0',
    eventTime: isoSeconds(ms),
    awsRegion: plan.region,
    source: 'aws.ssm',
    eventName: 'SessionLogEvent',
    awsAccountId: plan.account.id,
    target: { id: plan.target },
    userIdentity: { arn: plan.principal.arn },
    runAsUser: plan.runAsUser,
    sessionId: plan.sessionId,
    sessionData: lines,
  });
}
