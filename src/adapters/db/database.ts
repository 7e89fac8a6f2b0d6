import { Kysely, Migrator, PostgresDialect, sql, type MigrationProvider } from 'kysely';
import pg from 'pg';
import type { Database } from './schema.ts';
import { migrations, RENAMED_MIGRATIONS } from './migrations/index.ts';

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

// Migrations are strictly ordered (unique four-digit numbers); each is applied once, in order. A database
// migrated before the renumbering has its recorded names brought to today's first.
const provider: MigrationProvider = { getMigrations: async () => migrations };
const MIGRATION_TABLES = { migrationTableName: 'housing365_migrations', migrationLockTableName: 'housing365_migrations_lock' } as const;

async function renameOldMigrationRecords(db: Db): Promise<void> {
  const exists = await sql<{ t: string | null }>`select to_regclass('housing365_migrations')::text as t`.execute(db);
  if (!exists.rows[0]?.t) return;
  await db.transaction().execute(async (trx) => {
    for (const [oldName, newName] of RENAMED_MIGRATIONS) {
      await sql`update housing365_migrations set name = ${newName} where name = ${oldName}
                and not exists (select 1 from housing365_migrations where name = ${newName})`.execute(trx);
    }
  });
}

export async function migrateToLatest(db: Db): Promise<{ applied: string[] }> {
  await renameOldMigrationRecords(db);
  const migrator = new Migrator({ db, provider, ...MIGRATION_TABLES });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
  return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
}

/** Names of migrations shipped but not applied; empty when the schema is current (used by /readyz). */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const exists = await sql<{ t: string | null }>`select to_regclass('housing365_migrations')::text as t`.execute(db);
  const recorded = exists.rows[0]?.t ? (await sql<{ name: string }>`select name from housing365_migrations`.execute(db)).rows : [];
  // Before the first start after the renumbering a database still records the old names.
  const renamed = new Map(RENAMED_MIGRATIONS);
  const applied = new Set(recorded.map((r) => renamed.get(r.name) ?? r.name));
  return Object.keys(migrations).sort().filter((name) => !applied.has(name));
}

export async function ping(db: Db): Promise<void> {
  await sql`select 1`.execute(db);
}
