import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { migrations } from './migrations/index.ts';

export type Db = Kysely<Database>;

// timestamptz comes back as Date (pg's default); bigint counts as numbers when they fit.
pg.types.setTypeParser(20, (v) => Number(v));

export function createDb(connectionString: string, opts: { poolSize?: number; applicationName?: string } = {}): { db: Db; pool: pg.Pool } {
  const pool = new pg.Pool({
    connectionString,
    max: opts.poolSize ?? 10,
    application_name: opts.applicationName ?? 'housing365',
    // A dead connection must not hang a request forever.
    connectionTimeoutMillis: 10_000,
  });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, pool };
}

// Migrations are numbered by feature and may land out of number order; each is applied once, in
// number order among those not yet applied (allowUnorderedMigrations), so an older database catches up.
const provider: MigrationProvider = { getMigrations: async () => migrations };

export async function migrateToLatest(db: Db): Promise<{ applied: string[] }> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'housing365_migrations', migrationLockTableName: 'housing365_migrations_lock', allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations shipped but not applied; empty when the schema is current (used by /readyz). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const migrator = new Migrator({ db, provider, migrationTableName: 'housing365_migrations', migrationLockTableName: 'housing365_migrations_lock', allowUnorderedMigrations: true });
  const all = await migrator.getMigrations();
  return all.filter((m) => !m.executedAt).map((m) => m.name);
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
