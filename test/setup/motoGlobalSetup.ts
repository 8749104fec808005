/**
 * Vitest global setup for the AWS-mode tests (test/aws): starts one `moto_server` on a free
 * loopback port, waits until it answers, hands its endpoint to the tests (`inject('motoEndpoint')`,
 * and `LOGLAKE_TEST_MOTO_ENDPOINT` for processes they start), and stops it at teardown.
 * Tests reset it with `POST /moto-api/reset`, so the test/aws files must not run in parallel.
 */
import type { TestProject } from 'vitest/node';
import { startMoto } from '../../bench/motoServer.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    motoEndpoint: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const moto = await startMoto();
  project.provide('motoEndpoint', moto.endpoint);
  process.env.LOGLAKE_TEST_MOTO_ENDPOINT = moto.endpoint;
  return () => moto.stop();
}
