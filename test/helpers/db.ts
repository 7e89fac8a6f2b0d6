import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, migrateToLatest } from '../../src/adapters/db/database.ts';
import { parseConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import type { AppContext } from '../../src/app/context.ts';
import { generateLicenceKeyPair, issueLicence } from '../../src/domain/licence/licence.ts';

// Each test file gets a database of its own on the test server, migrated, and dropped afterwards, so
// files run in parallel without seeing each other's rows.

export function testDatabaseServerUrl(): string {
  return inject('databaseUrl');
}

export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const serverUrl = testDatabaseServerUrl();
  const name = `h365_t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`drop database if exists ${name} with (force)`);
      // The event-query sandbox role made for this database (src/adapters/db/sql-sandbox.ts).
      await c.query(`drop role if exists ${name}_eventq`);
      await c.end();
    },
  };
}

export interface TestContext {
  ctx: AppContext;
  databaseUrl: string;
  /** A licence key pair trusted by ctx, to issue licences in tests. */
  licencePrivateKey: string;
  cleanup(): Promise<void>;
}

export async function createTestContext(overrides: Partial<Config> = {}): Promise<TestContext> {
  const database = await createTestDatabase();
  const { db } = createDb(database.url, { poolSize: 4 });
  await migrateToLatest(db);
  const pair = generateLicenceKeyPair();
  const config: Config = { ...parseConfig({ HOUSING365_DATA_DIR: '/tmp/h365-unused' }), databaseUrl: database.url, ...overrides };
  const ctx: AppContext = {
    db,
    config,
    logger: createLogger({ level: process.env.TEST_LOG_LEVEL ?? 'silent', pretty: false }),
    licencePublicKeys: [pair.publicKeyPem],
    now: () => new Date(),
  };
  return {
    ctx,
    databaseUrl: database.url,
    licencePrivateKey: pair.privateKeyPem,
    async cleanup() {
      await db.destroy();
      await database.drop();
    },
  };
}

export function testLicence(privateKeyPem: string, features = ['OUTLOOK365', 'TASK_MANAGER'], expiresAt = new Date(Date.now() + 86400_000)): string {
  return issueLicence(privateKeyPem, { customer: 'Test Housing Association', features, expiresAt });
}
