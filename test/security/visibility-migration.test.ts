import { Migrator, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrateToLatest, type Db } from '../../src/adapters/db/database.ts';
import { migrations } from '../../src/adapters/db/migrations/index.ts';
import { createTestDatabase } from '../helpers/db.ts';

// Migration 0014 ties rows written before it to their tasks, so a reply queued or an audit event
// recorded before the upgrade is no more visible than one written after it.
describe('migration 0014 on a database with replies and audit events already in it', () => {
  let db: Db;
  let drop: () => Promise<void>;
  beforeAll(async () => {
    const database = await createTestDatabase();
    drop = database.drop;
    db = createDb(database.url, { poolSize: 2 }).db;
    const before = Object.keys(migrations).sort().filter((n) => n < '0014');
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, migrationTableName: 'housing365_migrations', migrationLockTableName: 'housing365_migrations_lock' });
    const r = await migrator.migrateTo(before[before.length - 1]);
    if (r.error) throw r.error;
  });
  afterAll(async () => {
    await db.destroy();
    await drop();
  });

  it('links task-manager replies by source_ref and task events by entity_id, and nothing else', async () => {
    await sql`INSERT INTO teams (code, name) VALUES ('T', 'T')`.execute(db);
    await sql`INSERT INTO tm_job_types (code, name, default_team_id) SELECT 'JT', 'JT', id FROM teams`.execute(db);
    const task = await sql<{ id: number }>`
      INSERT INTO tm_tasks (job_type_id, title, team_id) SELECT jt.id, 'x', t.id FROM tm_job_types jt, teams t RETURNING id`.execute(db);
    const taskId = Number(task.rows[0].id);
    const email = (source: string, ref: string | null) => sql<{ id: string }>`
      INSERT INTO email_outbox (to_recipients, subject, body_text, source, source_ref, next_attempt_at, created_by)
      VALUES ('[{"address":"r@example.org"}]', 's', 't', ${source}, ${ref}, now(), 'x') RETURNING id`.execute(db);
    const reply = (await email('task-manager', `task-${taskId}`)).rows[0].id;
    const apiLookalike = (await email('api', `task-${taskId}`)).rows[0].id;
    const dangling = (await email('task-manager', 'task-99999')).rows[0].id;
    await sql`INSERT INTO audit_events (actor, action, entity_type, entity_id, summary) VALUES
      ('a', 'task.status', 'task', ${String(taskId)}, 's'), ('a', 'email.replay', 'email_outbox', ${reply}, 's'), ('a', 'parameter.set', 'parameter', ${String(taskId)}, 's')`.execute(db);

    const { applied } = await migrateToLatest(db);
    expect(applied).toContain('0014_visibility');

    const emails = await sql<{ id: string; task_id: number | null }>`SELECT id, task_id FROM email_outbox`.execute(db);
    const byId = Object.fromEntries(emails.rows.map((r) => [r.id, r.task_id === null ? null : Number(r.task_id)]));
    expect(byId).toEqual({ [reply]: taskId, [apiLookalike]: null, [dangling]: null });
    const events = await sql<{ action: string; task_id: number | null }>`SELECT action, task_id FROM audit_events ORDER BY id`.execute(db);
    expect(events.rows.map((r) => [r.action, r.task_id === null ? null : Number(r.task_id)])).toEqual([['task.status', taskId], ['email.replay', taskId], ['parameter.set', null]]);
  });
});
