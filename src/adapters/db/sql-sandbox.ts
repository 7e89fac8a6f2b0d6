import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import pg from 'pg';
import type { Db } from './database.ts';

// Admins write event queries (guide §2.2.4) in SQL. `SET ROLE` inside the app's own session is no
// sandbox: `set_config('role','none',true)` undoes it and `query_to_xml(...)` then runs nested SQL as
// the app's login role (issue 13). So an event query runs on a connection of its own that LOGS IN as a
// role whose only rights are SELECT on the guide's views (views read their tables with their owner's
// rights), in a READ ONLY transaction with a statement time-out and a row cap. Resetting the role there
// only gets back to that same role.
//
// Where the login comes from, first match:
//   1. a connection string given to us: HOUSING365_EVENT_QUERY_DATABASE_URL (a role the DBA made), or the
//      embedded server's, whose superuser makes the role at start (adapters/db/embedded.ts);
//   2. a role we make ourselves, `<database>_eventq`, when our database user may create roles; its
//      generated password is kept in sql_sandbox_login, which only the app's role can read.
// Either way we grant it SELECT on the views (we own them) and then CHECK the invariant before any
// admin SQL runs: not a superuser, member of no role, no right on any other table of ours. A sandbox
// that fails the check runs nothing; the event query page, the log and `housing365 doctor` say why.

/** Largest row (as text) an event query may return; the guide's nine columns need a few hundred bytes. */
export const MAX_ROW_BYTES = 65_536;
/** The marker in the error a row over MAX_ROW_BYTES raises (see run). */
export const ROW_TOO_LARGE = 'housing365: row bytes';

export const SANDBOX_VIEWS = ['exchange_emails', 'fwf_event_types', 'fwf_events'] as const;

/**
 * PUBLIC may run every function unless told otherwise, and a READ ONLY transaction still lets one make
 * large objects (rolled back with the run, but a write all the same) and NOTIFY the app's job channels.
 * Only the functions' owner (the bootstrap superuser) can take that away: the embedded server's
 * superuser does at start, housing365 tries when it connects as a superuser, and
 * docs/security-sql-and-files.md gives the statements to a DBA. `appRole` keeps pg_notify (job wake-ups).
 */
export function hardeningStatements(appRole: string): string[] {
  return [
    'REVOKE EXECUTE ON FUNCTION lo_creat(integer), lo_create(oid), lo_from_bytea(oid, bytea), lo_import(text), lo_import(text, oid), lo_put(oid, bigint, bytea), lo_unlink(oid) FROM PUBLIC',
    `GRANT EXECUTE ON FUNCTION pg_notify(text, text) TO ${ident(appRole)}`,
    'REVOKE EXECUTE ON FUNCTION pg_notify(text, text) FROM PUBLIC',
  ];
}

export type SandboxStatus = { ok: true; role: string; source: 'configured' | 'embedded' | 'provisioned' } | { ok: false; problem: string };

export interface SandboxQuery {
  timeoutMs: number;
  maxRows: number;
}

export interface SandboxResult {
  rows: Array<Record<string, unknown>>;
}

/** The sandbox cannot be used at all (misconfigured); distinct from an admin's query failing. */
export class SandboxUnavailable extends Error {}

interface Login {
  url: string;
  role: string;
  schema: string;
  source: 'configured' | 'embedded' | 'provisioned';
}

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;
const literal = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** `<database>_eventq`, or a hashed name when that would pass PostgreSQL's 63-byte limit. */
export function sandboxRoleName(database: string): string {
  const name = `${database}_eventq`;
  return Buffer.byteLength(name) <= 63 ? name : `h365_eventq_${Buffer.from(database).toString('hex').slice(0, 40)}`;
}

export class SqlSandbox {
  private login?: Promise<Login>;

  /**
   * `appUrl`: how the app itself connects (host, port, database for a role we make). `loginUrl`: a
   * ready login for the sandbox role (configured or embedded), used instead of making one.
   */
  constructor(
    private readonly appDb: Db,
    private readonly opts: { appUrl?: string; loginUrl?: string; loginSource?: 'configured' | 'embedded' },
  ) {}

  async status(): Promise<SandboxStatus> {
    try {
      const l = await this.prepare();
      return { ok: true, role: l.role, source: l.source };
    } catch (err) {
      return { ok: false, problem: (err as Error).message };
    }
  }

  /**
   * Runs `text` wrapped as `SELECT * FROM (<text>) AS q(<columns>) LIMIT $1` in a READ ONLY transaction
   * on a fresh sandbox connection, closed afterwards (so no session state — advisory locks, settings —
   * outlives the run). Throws the PostgreSQL error as is (the caller decides what of it to show), or
   * SandboxUnavailable.
   */
  async run(text: string, columns: string[], q: SandboxQuery): Promise<SandboxResult> {
    const login = await this.prepare();
    const client = connect(login, q.timeoutMs);
    client.on('error', () => {});
    // statement_timeout is armed by the server per statement; set_config() inside the query cannot
    // disarm the running one. The watchdog covers a server that stops answering altogether.
    let timedOut = false;
    const watchdog = setTimeout(() => {
      timedOut = true;
      (client as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
    }, q.timeoutMs + 5000);
    try {
      try {
        await client.connect();
      } catch (err) {
        throw new SandboxUnavailable(`the event query role ${login.role} could not log in: ${(err as Error).message}`);
      }
      await client.query('BEGIN READ ONLY');
      // A row over MAX_ROW_BYTES stops the query (by a cast error naming its size, as the row's own
      // value would make it constant-folded at plan time): 5,000 rows of repeat('x', 1e8) must not
      // land in this process's memory.
      const r = await client.query({
        text: `SELECT * FROM (${text}\n) AS q(${columns.join(', ')})
                WHERE CASE WHEN octet_length(q::text) > ${MAX_ROW_BYTES} THEN ('${ROW_TOO_LARGE} ' || octet_length(q::text))::int = 0 ELSE true END
                LIMIT $1`,
        values: [q.maxRows],
      });
      await client.query('ROLLBACK');
      return { rows: r.rows as Array<Record<string, unknown>> };
    } catch (err) {
      if (timedOut) throw Object.assign(new Error('statement timeout'), { code: '57014' });
      throw err;
    } finally {
      clearTimeout(watchdog);
      await client.end().catch(() => {});
    }
  }

  private prepare(): Promise<Login> {
    // A failure is not remembered: the next run tries again (the DBA may have fixed it meanwhile).
    this.login ??= this.makeLogin().catch((err) => {
      this.login = undefined;
      throw err;
    });
    return this.login;
  }

  private async makeLogin(): Promise<Login> {
    const { rows } = await sql<{ db: string; schema: string; me: string; superuser: boolean }>`
      SELECT current_database() AS db, current_schema() AS schema, current_user AS me,
             (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser`.execute(this.appDb);
    const here = rows[0];
    let login: Login;
    if (this.opts.loginUrl) {
      const role = decodeURIComponent(new URL(this.opts.loginUrl).username);
      if (!role) throw new SandboxUnavailable('the event query connection string names no user');
      login = { url: this.opts.loginUrl, role, schema: here.schema, source: this.opts.loginSource ?? 'configured' };
    } else {
      if (!this.opts.appUrl) throw new SandboxUnavailable('no database connection string to derive the event query login from');
      const role = sandboxRoleName(here.db);
      const password = await this.provisionRole(role);
      const url = new URL(this.opts.appUrl);
      url.username = encodeURIComponent(role);
      url.password = encodeURIComponent(password);
      login = { url: url.toString(), role, schema: here.schema, source: 'provisioned' };
    }
    if (login.role === here.me) throw new SandboxUnavailable(`the event query role must not be the app's own database user (${here.me})`);
    await this.grant(login);
    await this.check(login);
    // The proof: log in, and be that role, with no way up.
    const client = connect(login, 10_000);
    client.on('error', () => {});
    try {
      await client.connect();
      const r = await client.query<{ cu: string; su: string; db: string }>('SELECT current_user AS cu, session_user AS su, current_database() AS db');
      if (r.rows[0].cu !== login.role || r.rows[0].su !== login.role) throw new SandboxUnavailable(`logging in as ${login.role} gave ${r.rows[0].su}`);
      if (r.rows[0].db !== here.db) throw new SandboxUnavailable(`the event query login reaches database ${r.rows[0].db}, not ${here.db}`);
    } catch (err) {
      if (err instanceof SandboxUnavailable) throw err;
      throw new SandboxUnavailable(`the event query role ${login.role} could not log in: ${(err as Error).message}`);
    } finally {
      await client.end().catch(() => {});
    }
    return login;
  }

  /** Makes (or brings back) `role` with a generated password kept in sql_sandbox_login; returns it. */
  private async provisionRole(role: string): Promise<string> {
    try {
      return await this.appDb.transaction().execute(async (trx) => {
        // serve and worker processes starting together: one makes the role, the others then find it.
        await sql`SELECT pg_advisory_xact_lock(hashtext('housing365_sql_sandbox'))`.execute(trx);
        const stored = (await sql<{ password: string }>`SELECT password FROM sql_sandbox_login WHERE role_name = ${role}`.execute(trx)).rows[0];
        const password = stored?.password ?? randomBytes(24).toString('base64url');
        if (!stored) await sql`INSERT INTO sql_sandbox_login (role_name, password) VALUES (${role}, ${password})`.execute(trx);
        const exists = (await sql`SELECT 1 FROM pg_roles WHERE rolname = ${role}`.execute(trx)).rows.length > 0;
        const attrs = `LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT NOREPLICATION NOBYPASSRLS CONNECTION LIMIT 20 PASSWORD ${literal(password)}`;
        await sql.raw(`${exists ? 'ALTER' : 'CREATE'} ROLE ${ident(role)} ${attrs}`).execute(trx);
        return password;
      });
    } catch (err) {
      const e = err as { code?: string; message?: string };
      if (e.code === '42501') {
        throw new SandboxUnavailable(
          `the database user may not create or change the event query role ${role} (${e.message}); create it yourself and set HOUSING365_EVENT_QUERY_DATABASE_URL (docs/security-sql-and-files.md)`,
        );
      }
      throw new SandboxUnavailable(`could not make the event query role ${role}: ${e.message}`);
    }
  }

  /** We own the views, so we can always grant on them; anything the role holds beyond them is revoked. */
  private async grant(login: Login): Promise<void> {
    const r = ident(login.role);
    const s = ident(login.schema);
    const steps = [
      `REVOKE ALL ON ALL TABLES IN SCHEMA ${s} FROM ${r}`,
      `REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${s} FROM ${r}`,
      `GRANT CONNECT ON DATABASE ${ident((await sql<{ d: string }>`SELECT current_database() AS d`.execute(this.appDb)).rows[0].d)} TO ${r}`,
      `GRANT USAGE ON SCHEMA ${s} TO ${r}`,
      `GRANT SELECT ON ${SANDBOX_VIEWS.map(ident).join(', ')} TO ${r}`,
      // PostgreSQL before 15 let PUBLIC create in schema public; the read-only transaction stops that too.
      `REVOKE CREATE ON SCHEMA public FROM PUBLIC`,
      // Server-side defaults where we may set them (we made the role); each connection sets them anyway.
      `ALTER ROLE ${r} SET default_transaction_read_only = on`,
      `ALTER ROLE ${r} SET statement_timeout = '60s'`,
    ];
    const me = (await sql<{ me: string; su: boolean }>`SELECT current_user AS me, rolsuper AS su FROM pg_roles WHERE rolname = current_user`.execute(this.appDb)).rows[0];
    if (me.su) steps.push(...hardeningStatements(me.me));
    for (const step of steps) await sql.raw(step).execute(this.appDb).catch(() => {});
  }

  /** The invariant, read from the catalogue: whatever the grants above managed, this must hold. */
  private async check(login: Login): Promise<void> {
    const role = (await sql<{ rolsuper: boolean; rolbypassrls: boolean; rolcreaterole: boolean; rolcreatedb: boolean; oid: number }>`
      SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, oid FROM pg_roles WHERE rolname = ${login.role}`.execute(this.appDb)).rows[0];
    if (!role) throw new SandboxUnavailable(`there is no database role ${login.role}`);
    if (role.rolsuper || role.rolbypassrls || role.rolcreaterole || role.rolcreatedb) {
      throw new SandboxUnavailable(`the event query role ${login.role} must be a plain role (no SUPERUSER, BYPASSRLS, CREATEROLE, CREATEDB)`);
    }
    const memberOf = (await sql<{ name: string }>`
      SELECT r.rolname AS name FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid WHERE m.member = ${role.oid}`.execute(this.appDb)).rows;
    if (memberOf.length) throw new SandboxUnavailable(`the event query role ${login.role} must be a member of no role (it is in ${memberOf.map((m) => m.name).join(', ')})`);
    const extra = (await sql<{ name: string }>`
      SELECT n.nspname || '.' || c.relname AS name
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f', 'S')
         AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'
         AND NOT (n.nspname = ${login.schema} AND c.relname = ANY(${[...SANDBOX_VIEWS]}))
         AND has_schema_privilege(${login.role}, n.oid, 'USAGE')
         AND (CASE WHEN c.relkind = 'S' THEN has_sequence_privilege(${login.role}, c.oid, 'SELECT,USAGE,UPDATE')
                   ELSE has_table_privilege(${login.role}, c.oid, 'SELECT,INSERT,UPDATE,DELETE,TRUNCATE,REFERENCES,TRIGGER') END)
       LIMIT 5`.execute(this.appDb)).rows;
    if (extra.length) throw new SandboxUnavailable(`the event query role ${login.role} may use more than the views (${extra.map((x) => x.name).join(', ')}); revoke those rights (granted to it or to PUBLIC)`);
    for (const v of SANDBOX_VIEWS) {
      const ok = (await sql<{ ok: boolean }>`SELECT has_table_privilege(${login.role}, ${`${ident(login.schema)}.${ident(v)}`}, 'SELECT') AS ok`.execute(this.appDb)).rows[0].ok;
      if (!ok) throw new SandboxUnavailable(`the event query role ${login.role} cannot read ${v}; grant it SELECT (docs/security-sql-and-files.md)`);
    }
  }
}

function connect(login: Login, timeoutMs: number): pg.Client {
  const searchPath = /^[a-z_][a-z0-9_]*$/.test(login.schema) ? ` -c search_path=${login.schema}` : '';
  return new pg.Client({
    connectionString: login.url,
    application_name: 'housing365-event-query',
    connectionTimeoutMillis: 10_000,
    statement_timeout: timeoutMs,
    lock_timeout: timeoutMs,
    idle_in_transaction_session_timeout: timeoutMs + 10_000,
    options: `-c default_transaction_read_only=on${searchPath}`,
  });
}
