import { readFileSync } from 'node:fs';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { createEventQuery, EVENT_QUERY_MAX_ROWS, runEventQuery } from '../../src/app/tasks/event-queries.ts';
import { saveEventType } from '../../src/app/tasks/setup.ts';
import { sandboxRoleName, SqlSandbox } from '../../src/adapters/db/sql-sandbox.ts';
import type { Database } from '../../src/adapters/db/schema.ts';
import { AppError } from '../../src/errors.ts';
import { databaseChecks } from '../../src/app/database-checks.ts';
import { insertEmail, makeUser, system } from './helpers.ts';

// Issue 13 §1: an admin's event query runs on its own connection, logged in as a role that reads the
// guide's views and nothing else. Each escape a reviewer tried is refused with a message that leaks
// nothing from outside the views. The app connects to the test server as the superuser `postgres`, so
// these hold whatever the app's own rights are.

let t: TestContext;
let queryId: number;
let hash: string;
const hostname = readFileSync('/etc/hostname', 'utf8').trim();
const NINE = 'NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL';

beforeAll(async () => {
  t = await createTestContext();
  await makeUser(t.ctx, 'victim', 'admin');
  hash = (await t.ctx.db.selectFrom('users').select('password_hash').where('username', '=', 'victim').executeTakeFirstOrThrow()).password_hash!;
  await saveEventType(t.ctx, system, { code: 'SBX_TEST', description: 'Sandbox test events' });
  await insertEmail(t.ctx, 'COMPLAINTS', 'Confidential subject 4711');
  queryId = (await createEventQuery(t.ctx, system, { name: 'probe', sqlText: `SELECT 'SBX_TEST', '1', 'X', now(), NULL, 'CREATE', NULL, NULL, NULL WHERE false`, enabled: false })).id;
});
afterAll(async () => t?.cleanup());

/** Saves `sqlText` as it stands (as a stored query that starts failing would be) and runs it. */
async function attempt(sqlText: string): Promise<{ ok: boolean; error?: string; rows: number }> {
  await t.ctx.db.updateTable('tm_event_queries').set({ sql_text: sqlText }).where('id', '=', queryId).execute();
  const run = await runEventQuery(t.ctx, queryId);
  const stored = await t.ctx.db.selectFrom('tm_event_queries').select('last_error').where('id', '=', queryId).executeTakeFirstOrThrow();
  expect(stored.last_error ?? undefined).toBe(run.error);
  if (run.error) expect(run.error).not.toContain(hash);
  if (run.error) expect(run.error).not.toContain(hostname);
  return run;
}

describe('the event query sandbox', () => {
  it('logs in as its own role: resetting the role does not reach the app user, and query_to_xml runs as that role', async () => {
    const who = await attempt(`SELECT 'SBX_TEST', set_config('role', 'none', true) || current_user || '/' || session_user, 'X', now(), NULL, 'CREATE', NULL, NULL, NULL`);
    expect(who).toMatchObject({ ok: true, rows: 1 });
    const role = sandboxRoleName(new URL(t.databaseUrl).pathname.slice(1));
    const ev = await t.ctx.db.selectFrom('tm_events').select('index_value').where('fet_code', '=', 'SBX_TEST').executeTakeFirstOrThrow();
    expect(ev.index_value).toBe(`none${role}/${role}`);

    const escape = await attempt(`SELECT 'SBX_TEST', set_config('role', 'none', true), 'X', now(), NULL, 'CREATE', query_to_xml('SELECT password_hash FROM users', true, false, '')::text, NULL, NULL`);
    expect(escape).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for table users.*may read only the views EXCHANGE_EMAILS/) });
    const up = await attempt(`SELECT 'SBX_TEST', set_config('role', 'postgres', true), ${NINE.slice(6)}`);
    expect(up).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied to set role "postgres"/) });
  });

  it('cannot read files on the server', async () => {
    expect(await attempt(`SELECT 'SBX_TEST', pg_read_file('/etc/hostname'), ${NINE.slice(6)}`)).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for function pg_read_file/) });
    expect(await attempt(`SELECT 'SBX_TEST', lo_import('/etc/hostname')::text, ${NINE.slice(6)}`)).toMatchObject({ ok: false });
    expect(await attempt(`SELECT 'SBX_TEST', x::text, ${NINE.slice(6)} FROM pg_ls_dir('.') x`)).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for function pg_ls_dir/) });
    expect(await attempt(`SELECT 'SBX_TEST', dblink('dbname=postgres', 'select 1')::text, ${NINE.slice(6)}`)).toMatchObject({ ok: false, error: expect.stringMatching(/function dblink\(unknown, unknown\) does not exist/) });
  });

  it('cannot read users, directly or through the text of an error', async () => {
    expect(await attempt(`SELECT 'SBX_TEST', password_hash, ${NINE.slice(6)} FROM users`)).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for table users/) });
    expect(await attempt(`SELECT 'SBX_TEST', (SELECT password_hash FROM users LIMIT 1)::int::text, ${NINE.slice(6)}`)).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for table users/) });
    expect(await attempt(`SELECT 'SBX_TEST', 'x', 'X', now(), NULL, 'CREATE', (xpath('/row/h/text()', query_to_xml('SELECT password_hash AS h FROM users', false, false, '')))[1]::text::int::text, NULL, NULL`)).toMatchObject({ ok: false, error: expect.stringMatching(/permission denied for table users/) });
    // Even a value it may read is not echoed back in a data error: the SQLSTATE says what went wrong.
    const cast = await attempt(`SELECT 'SBX_TEST', exce_subject::int::text, ${NINE.slice(6)} FROM exchange_emails`);
    expect(cast).toMatchObject({ ok: false, error: expect.stringMatching(/could not be read as the type asked for \(SQLSTATE 22P02\)/) });
    expect(cast.error).not.toContain('4711');
  });

  it('stops pg_sleep(60) at the time-out, even when the query turns the time-out off', async () => {
    const slow = await attempt(`SELECT 'SBX_TEST', set_config('statement_timeout', '0', true), 'X', now(), NULL, 'CREATE', NULL, NULL, NULL FROM pg_sleep(60)`);
    expect(slow).toMatchObject({ ok: false, error: expect.stringMatching(/ran longer than 15 seconds and was stopped/) });
  }, 45_000);

  it('cannot write to any table', async () => {
    const users = await t.ctx.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow();
    const tries = [
      `SELECT 'SBX_TEST', query_to_xml('DELETE FROM users', true, false, '')::text, ${NINE.slice(6)}`,
      `SELECT 'SBX_TEST', query_to_xml('SET TRANSACTION READ WRITE; INSERT INTO exchange_emails DEFAULT VALUES', true, false, '')::text, ${NINE.slice(6)}`,
      `SELECT 'SBX_TEST', set_config('transaction_read_only', 'off', true), ${NINE.slice(6)}`,
      `SELECT 'SBX_TEST', lo_from_bytea(0, 'x')::text, ${NINE.slice(6)}`,
      `SELECT 'SBX_TEST', query_to_xml('CREATE TEMP TABLE t AS SELECT 1', true, false, '')::text, ${NINE.slice(6)}`,
      `SELECT 1,2,3,4,5,6,7,8,9) q; DELETE FROM users; SELECT * FROM (SELECT 1`,
    ];
    for (const text of tries) {
      const run = await attempt(text);
      expect(run.ok, text).toBe(false);
      if (process.env.SHOW) console.log(run.error);
      expect(run.error, text).toMatch(/read-only|permission denied|one SELECT statement|is not allowed in a non-volatile function/);
    }
    expect(await t.ctx.db.selectFrom('users').select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()).toEqual(users);
    expect((await sql<{ n: number }>`SELECT count(*)::int AS n FROM pg_largeobject_metadata`.execute(t.ctx.db)).rows[0].n).toBe(0);
  });

  it('applies at most the row cap per run', async () => {
    const run = await attempt(`SELECT 'SBX_TEST', g::text, 'X', now(), NULL, 'CREATE', NULL, NULL, NULL FROM generate_series(1, ${EVENT_QUERY_MAX_ROWS * 3}) g`);
    expect(run).toMatchObject({ ok: true, rows: EVENT_QUERY_MAX_ROWS });
  });

  it('stops a query whose rows are too large to take into memory', async () => {
    const run = await attempt(`SELECT 'SBX_TEST', repeat('x', 10000000), 'X', now(), NULL, 'CREATE', NULL, NULL, NULL FROM generate_series(1, 3)`);
    expect(run).toMatchObject({ ok: false, error: expect.stringMatching(/^A row of the query is 100000\d\d bytes; an event query row may be at most 64 kB$/) });
  });

  it('refuses a query PostgreSQL cannot run when it is saved, with the same safe messages', async () => {
    const err = await createEventQuery(t.ctx, system, { name: 'file', sqlText: `SELECT 'SBX_TEST', pg_read_file('/etc/hostname'), ${NINE.slice(6)}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fields[0]).toMatchObject({ field: 'sqlText', message: expect.stringMatching(/permission denied for function pg_read_file/) });
  });
});

describe('the sandbox invariant', () => {
  it('runs nothing while its role could read more than the views (a grant to PUBLIC), and says why', async () => {
    await sql`GRANT SELECT ON users TO PUBLIC`.execute(t.ctx.db);
    try {
      const fresh = new SqlSandbox(t.ctx.db, { appUrl: t.databaseUrl });
      expect(await fresh.status()).toMatchObject({ ok: false, problem: expect.stringMatching(/may use more than the views \(public\.users\)/) });
      await expect(fresh.run('SELECT 1', ['a'], { timeoutMs: 5000, maxRows: 1 })).rejects.toThrow(/may use more than the views/);
    } finally {
      await sql`REVOKE SELECT ON users FROM PUBLIC`.execute(t.ctx.db);
    }
  });

  it('takes a role the DBA made from HOUSING365_EVENT_QUERY_DATABASE_URL, and grants it the views', async () => {
    const role = `${new URL(t.databaseUrl).pathname.slice(1)}_dba`;
    await sql.raw(`CREATE ROLE ${role} LOGIN PASSWORD 'dba-made-password'`).execute(t.ctx.db);
    try {
      const url = new URL(t.databaseUrl);
      url.username = role;
      url.password = 'dba-made-password';
      const s = new SqlSandbox(t.ctx.db, { loginUrl: url.toString() });
      expect(await s.status()).toEqual({ ok: true, role, source: 'configured' });
      const r = await s.run(`SELECT count(*) FROM exchange_emails`, ['n'], { timeoutMs: 5000, maxRows: 1 });
      expect(r.rows).toHaveLength(1);
    } finally {
      await sql.raw(`DROP OWNED BY ${role}`).execute(t.ctx.db);
      await sql.raw(`DROP ROLE ${role}`).execute(t.ctx.db);
    }
  });

  it('names the fix when the app database user may not create roles', async () => {
    const db = new URL(t.databaseUrl).pathname.slice(1);
    const app = `${db}_plain`;
    await sql.raw(`CREATE ROLE ${app} LOGIN PASSWORD 'plain-password'; GRANT ALL ON sql_sandbox_login TO ${app}`).execute(t.ctx.db);
    const url = new URL(t.databaseUrl);
    url.username = app;
    url.password = 'plain-password';
    const plain = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
    try {
      const s = new SqlSandbox(plain, { appUrl: url.toString() });
      expect(await s.status()).toMatchObject({ ok: false, problem: expect.stringMatching(/may not create or change the event query role .*set HOUSING365_EVENT_QUERY_DATABASE_URL/) });
    } finally {
      await plain.destroy();
      await sql.raw(`DROP OWNED BY ${app}; DROP ROLE ${app}`).execute(t.ctx.db);
    }
  });
});

describe('housing365 doctor', () => {
  it('warns that the app connects as a superuser, and passes the sandbox', async () => {
    const checks = await databaseChecks(t.ctx);
    expect(checks).toEqual([
      { area: 'database', name: 'app database user', status: 'warn', detail: expect.stringMatching(/postgres is a superuser: connect as a role that owns the housing365 database/) },
      { area: 'database', name: 'event query sandbox', status: 'pass', detail: expect.stringMatching(/event queries log in as h365_t_\w+_eventq \(provisioned\)/) },
    ]);
  });

  it('warns about an app database user with CREATEROLE before PostgreSQL 16', async () => {
    const version = Number((await sql<{ v: string }>`SELECT current_setting('server_version_num') AS v`.execute(t.ctx.db)).rows[0].v);
    const role = `${new URL(t.databaseUrl).pathname.slice(1)}_cr`;
    await sql.raw(`CREATE ROLE ${role} LOGIN CREATEROLE PASSWORD 'createrole-password'`).execute(t.ctx.db);
    const url = new URL(t.databaseUrl);
    url.username = role;
    url.password = 'createrole-password';
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url.toString(), max: 1 }) }) });
    try {
      const [app] = await databaseChecks({ ...t.ctx, db, sqlSandbox: undefined });
      expect(app).toMatchObject(version < 160000
        ? { status: 'warn', detail: expect.stringMatching(/has CREATEROLE, which before PostgreSQL 16/) }
        : { status: 'pass' });
    } finally {
      await db.destroy();
      await sql.raw(`DROP ROLE ${role}`).execute(t.ctx.db);
    }
  });
});
