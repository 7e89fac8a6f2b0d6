import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, pendingMigrations, type Db } from '../../src/adapters/db/database.ts';
import { migrations, RENAMED_MIGRATIONS } from '../../src/adapters/db/migrations/index.ts';
import { createTestDatabase } from '../helpers/db.ts';

// A database migrated before the renumbering recorded 0009_realtime_stats, 0010_event_query_role and
// 0011_calendar_push_unconfirmed; the strict runner must take it as current, not re-run or refuse it.
describe('migrations on a database migrated under the old names', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDb(database.url, { poolSize: 2 }).db;
    await migrateToLatest(db);
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  it('brings the old names to the new ones and applies nothing twice', async () => {
    for (const [oldName, newName] of [...RENAMED_MIGRATIONS].reverse()) {
      await sql`update housing365_migrations set name = ${oldName} where name = ${newName}`.execute(db);
    }
    expect(await pendingMigrations(db)).toEqual([]);

    const { applied } = await migrateToLatest(db);
    expect(applied).toEqual([]);
    const rows = await sql<{ name: string }>`select name from housing365_migrations order by name`.execute(db);
    expect(rows.rows.map((r) => r.name)).toEqual(Object.keys(migrations).sort());
  });
});
