import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { APP_ROLE, EVENT_QUERY_ROLE, openEmbedded, stopOwnedEmbeddedServerNow, type EmbeddedInfo } from '../../src/adapters/db/embedded.ts';
import { readFileSync } from 'node:fs';
import { createDb, migrateToLatest } from '../../src/adapters/db/database.ts';
import { SqlSandbox } from '../../src/adapters/db/sql-sandbox.ts';
import { selectEventRows } from '../../src/adapters/db/task-events.ts';

// Issue 13 §1 on the embedded database: the app logs in as a role that is not a superuser and owns its
// database; event queries log in as a role of their own. A data directory an earlier version made —
// everything owned by the initdb superuser — is handed over on start.

const dataDir = path.join(await fs.mkdtemp(path.join(os.tmpdir(), 'h365-roles-')), 'var');
let embedded: EmbeddedInfo | undefined;

afterAll(async () => {
  await embedded?.stop();
  if (embedded?.postgresFolder) await fs.rm(embedded.postgresFolder, { recursive: true, force: true });
  await fs.rm(path.dirname(dataDir), { recursive: true, force: true });
});

async function query<T extends pg.QueryResultRow>(url: string, text: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<T>(text)).rows;
  } finally {
    await c.end();
  }
}

const NINE = `'EML_X', 'x', 'X', now(), NULL, 'CREATE', NULL, NULL`;

describe('the embedded database roles', { timeout: 180_000 }, () => {
  it('connects the app as a non-superuser that owns the database, and event queries as the sandbox role', async () => {
    embedded = await openEmbedded(dataDir, { own: true });
    const [me] = await query<{ user: string; su: boolean; owner: string }>(embedded.url,
      `SELECT current_user AS user, (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS su, pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = current_database()`);
    expect(me).toEqual({ user: APP_ROLE, su: false, owner: APP_ROLE });
    await expect(query(embedded.url, `SELECT pg_read_file('/etc/hostname')`)).rejects.toThrow(/permission denied for function pg_read_file/);

    const { db } = createDb(embedded.url, { poolSize: 2 });
    try {
      await migrateToLatest(db);
      const sandbox = new SqlSandbox(db, { loginUrl: embedded.eventQueryUrl, loginSource: 'embedded' });
      expect(await sandbox.status()).toEqual({ ok: true, role: EVENT_QUERY_ROLE, source: 'embedded' });
      const run = (text: string) => selectEventRows(sandbox, text, { timeoutMs: 10_000, maxRows: 10 });
      expect((await run(`SELECT ${NINE}, count(*)::text FROM exchange_emails`)).rows).toHaveLength(1);
      await expect(run(`SELECT ${NINE}, set_config('role', 'none', true) || query_to_xml('SELECT password_hash FROM users', true, false, '')::text`)).rejects.toThrow(/permission denied for table users/);
      await expect(run(`SELECT ${NINE}, pg_read_file('/etc/hostname')`)).rejects.toThrow(/permission denied for function pg_read_file/);
      await expect(run(`SELECT ${NINE}, lo_from_bytea(0, 'x')::text`)).rejects.toThrow(/permission denied for function lo_from_bytea/);
      await expect(run(`SELECT ${NINE}, pg_notify('housing365_wake', 'x')::text`)).rejects.toThrow(/permission denied for function pg_notify/);
    } finally {
      await db.destroy();
    }
  });

  it('hands a database made by an earlier version (owned by the superuser) over to the app role on start', async () => {
    // What an earlier version left: the database and its tables the superuser's.
    const suDb = embedded!.superuserUrl.replace(/\/postgres$/, '/housing365');
    await query(suDb, `CREATE TABLE legacy_rows (id serial PRIMARY KEY, note text); INSERT INTO legacy_rows (note) VALUES ('kept'); ALTER DATABASE housing365 OWNER TO housing365; ALTER TABLE users OWNER TO housing365`);
    await embedded!.stop();
    embedded = await openEmbedded(dataDir, { own: true });
    const notOurs = await query<{ name: string }>(embedded.url, `
      SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%' AND c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)`);
    expect(notOurs).toEqual([]);
    expect(await query(embedded.url, `INSERT INTO legacy_rows (note) VALUES ('new') RETURNING note`)).toEqual([{ note: 'new' }]);
    expect(await query(embedded.url, `SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'housing365'`)).toEqual([{ owner: APP_ROLE }]);
  });

  it('stops the server it owns by signal when a shutdown runs out of time (no pg_ctl)', async () => {
    const { clusterDir } = JSON.parse(readFileSync(path.join(dataDir, 'pg.json'), 'utf8')) as { clusterDir?: string };
    const pid = Number(readFileSync(path.join(clusterDir ?? path.join(dataDir, 'pg'), 'postmaster.pid'), 'utf8').split('\n')[0]);
    await stopOwnedEmbeddedServerNow(dataDir);
    const alive = () => {
      try {
        process.kill(pid, 0);
        return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
      } catch {
        return false;
      }
    };
    for (const end = Date.now() + 10_000; alive() && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
    expect(alive()).toBe(false);
    embedded = await openEmbedded(dataDir, { own: true }); // and it starts again on the same data
    expect(await query(embedded.url, 'SELECT count(*)::int AS n FROM legacy_rows')).toEqual([{ n: 2 }]);
  });
});
