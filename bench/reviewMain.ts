import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { runReviewBench } from './reviewLatency.ts';

// `npm run bench:review [-- --mb 200 --requests 300]`: prints and writes bench/results/review-latency.json.
const { values } = parseArgs({
  options: {
    mb: { type: 'string' },
    requests: { type: 'string' },
    seed: { type: 'string' },
    reuse: { type: 'boolean' },
  },
});
const result = await runReviewBench({
  mb: Number(values.mb ?? 200),
  requests: Number(values.requests ?? 300),
  seed: Number(values.seed ?? 1),
  reuse: values.reuse === true,
});
await mkdir(join('bench', 'results'), { recursive: true });
await writeFile(join('bench', 'results', 'review-latency.json'), `${JSON.stringify(result, null, 2)}\n`);
const line = (
  name: string,
  s: { p50Ms: number; p99Ms: number; cpuP50Ms: number; cpuP99Ms: number; requests: number },
) =>
  `${name.padEnd(34)} p50 ${s.p50Ms.toFixed(1).padStart(6)} ms   p99 ${s.p99Ms.toFixed(1).padStart(6)} ms   ` +
  `CPU p50 ${s.cpuP50Ms.toFixed(1).padStart(5)} ms p99 ${s.cpuP99Ms.toFixed(1).padStart(5)} ms   (${s.requests} requests)`;
console.log(
  `review API, embedded, ${result.dataset.mbPerSource} MB per source (${result.dataset.cloudtrailRows} CloudTrail rows, ${result.dataset.cloudwatchRows} CloudWatch rows)`,
);
console.log(line(`GET /sessions/{id} (${result.getSession.lines} lines)`, result.getSession));
console.log(line(`GET /sessions (${result.dataset.sessionsListed} listed)`, result.listSessions));
console.log(
  `load average while measuring: ${result.machine.loadAverage.join(', ')} (on ${result.machine.cores} cores)`,
);
console.log(`target p99 < ${result.targetP99Ms} ms: ${result.met ? 'met' : 'NOT met'}`);
