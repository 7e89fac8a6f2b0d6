import { defineConfig } from 'vitest/config';

// One `npm test` runs housing365's tests and the emulator package's own suite. Integration tests get a
// real PostgreSQL: DATABASE_URL when set (CI uses the machine's server), else an embedded server that
// test/global-setup.ts starts once for the run. Each test file then makes its own database. The unit
// project is the pure tests beside the code (src/**/*.test.ts): no database, no emulator, no network —
// `npm run test:unit` runs them alone in seconds.
export default defineConfig({
  test: {
    projects: [
      'emulator',
      {
        test: {
          name: 'unit',
          include: ['src/**/*.test.ts'],
          pool: 'threads',
          maxWorkers: 2,
        },
      },
      {
        test: {
          name: 'housing365',
          include: ['test/**/*.test.ts'],
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
