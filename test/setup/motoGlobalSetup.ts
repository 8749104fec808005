/**
 * Vitest global setup for the AWS-mode tests (test/aws): starts one `moto_server` on a free
 * loopback port, waits until it answers, hands its endpoint to the tests (`inject('motoEndpoint')`,
 * and `LOGLAKE_TEST_MOTO_ENDPOINT` for processes they start), and stops it at teardown.
 * Tests reset it with `POST /moto-api/reset`, so the test/aws files must not run in parallel.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

const HOST = '127.0.0.1';

/** A free TCP port on loopback. */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, HOST);
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** `moto_server` when it is on the PATH, else `python3 -m moto.server`. */
function motoCommand(port: number): [string, string[]] {
  const args = ['-H', HOST, '-p', String(port)];
  const probe = spawnSync('moto_server', ['--help'], { stdio: 'ignore' });
  return probe.status === 0 ? ['moto_server', args] : ['python3', ['-m', 'moto.server', ...args]];
}

async function waitUntilUp(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `moto_server exited with ${child.exitCode}; run scripts/ensure-test-tools.sh. Output:\n${log()}`,
      );
    }
    try {
      const res = await fetch(`${url}/moto-api/`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`moto_server did not answer on ${url} within ${timeoutMs} ms. Output:\n${log()}`);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  const [cmd, args] = motoCommand(port);
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  child.on('error', (err) => keep(Buffer.from(String(err))));
  await waitUntilUp(url, child, 30_000, () => output);
  project.provide('motoEndpoint', url);
  process.env.LOGLAKE_TEST_MOTO_ENDPOINT = url;
  return async () => {
    if (child.exitCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  };
}
