import { defineConfig } from 'vitest/config';

// One `npm test` runs housing365's tests and the emulator package's own suite. Integration tests get a
// real PostgreSQL: DATABASE_URL when set (CI uses the machine's server), else an embedded server that
// test/global-setup.ts starts once for the run. Each test file then makes its own database.
export default defineConfig({
  test: {
    projects: [
      'emulator',
      {
        test: {
          name: 'housing365',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          pool: 'forks',
          maxWorkers: 2,
        },
      },
    ],
  },
});
