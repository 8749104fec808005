import { defineConfig } from 'vitest/config';

/**
 * Two projects: everything embedded (files in parallel, each in its own fork because DuckDB is a
 * native engine), and the AWS-mode suite against one `moto_server` started by the global setup,
 * files one at a time because each test resets moto.
 */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: { name: 'embedded', include: ['test/**/*.test.ts'], exclude: ['test/aws/**'], pool: 'forks' },
      },
      {
        extends: true,
        test: {
          name: 'aws',
          include: ['test/aws/**/*.test.ts'],
          globalSetup: ['test/setup/motoGlobalSetup.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
