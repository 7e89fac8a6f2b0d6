import type { ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/start-server.ts';
import { until } from '../helpers/until.ts';

// Issue 13 §3 and §8, as a user (or systemd, or Docker) runs it: `npm start` on the embedded database.
// SIGTERM to the npm process stops node and its PostgreSQL; the data directory holds only 0600 files
// and 0700 folders; its parent folder is left as it was.

const root = path.resolve(import.meta.dirname, '../..');
const parent = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-npm-')); // 0700, as mktemp makes it
const dataDir = path.join(parent, 'var');
const children: ChildProcess[] = [];

/** Running (a zombie waiting to be reaped by init has stopped). */
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  const stat = existsSync(`/proc/${pid}/stat`) ? readFileSync(`/proc/${pid}/stat`, 'utf8') : '';
  return !/^\d+ \(.*\) Z/.test(stat);
};

interface PgJson {
  ownerPid?: number;
  clusterDir?: string;
}
const pgJson = () => JSON.parse(readFileSync(path.join(dataDir, 'pg.json'), 'utf8')) as PgJson;
const clusterDir = () => pgJson().clusterDir ?? path.join(dataDir, 'pg');
const postmasterPid = () => {
  const file = path.join(clusterDir(), 'postmaster.pid');
  return existsSync(file) ? Number(readFileSync(file, 'utf8').split('\n')[0]) : undefined;
};

const npmStart = () => startServer(root, dataDir, children, 'npm', ['start']);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  const info = existsSync(path.join(dataDir, 'pg.json')) ? pgJson() : {};
  for (const pid of [info.ownerPid, postmasterPid()]) if (pid && alive(pid)) process.kill(pid, 'SIGKILL');
  // Run as root, the cluster lives in the postgres user's own folder outside the data directory.
  if (info.clusterDir) await fs.rm(path.dirname(info.clusterDir), { recursive: true, force: true });
  await fs.rm(parent, { recursive: true, force: true });
});

async function modesUnder(dir: string): Promise<string[]> {
  const loose: string[] = [];
  const walk = async (d: string) => {
    for (const e of await fs.readdir(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      const { mode } = await fs.lstat(p);
      if (e.isSymbolicLink()) continue;
      if (mode & 0o077) loose.push(`${(mode & 0o777).toString(8)} ${path.relative(dataDir, p)}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  const { mode } = await fs.stat(dir);
  if (mode & 0o077) loose.push(`${(mode & 0o777).toString(8)} .`);
  await walk(dir);
  return loose;
}

describe('npm start on the embedded database', { timeout: 240_000 }, () => {
  it('keeps the data directory to its own OS user and leaves the parent folder as it was', async () => {
    const parentMode = (await fs.stat(parent)).mode;
    const s = npmStart();
    const base = await s.ready;
    // The demo world is up: emulator state, licence key, blobs folder, pg.json are all written by now.
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect(await modesUnder(dataDir)).toEqual([]);
    expect((await fs.stat(parent)).mode).toBe(parentMode);
    s.child.kill('SIGTERM');
    await until(() => s.child.exitCode !== null, 30_000);
  });

  it('stops node and its PostgreSQL within 10 s when the npm process gets SIGTERM', async () => {
    const s = npmStart();
    await s.ready;
    const node = pgJson().ownerPid!;
    const postgres = postmasterPid()!;
    expect(node).not.toBe(s.child.pid);
    expect(alive(node) && alive(postgres)).toBe(true);
    process.kill(s.child.pid!, 'SIGTERM');
    // What a process manager allows before it sends SIGKILL.
    const t0 = Date.now();
    await until(() => s.child.exitCode !== null && !alive(node) && !alive(postgres), 10_000, 100).catch((err: Error) => {
      throw new Error(`${err.message}: npm ${s.child.exitCode === null ? 'running' : 'exited'}, node ${alive(node) ? 'running' : 'gone'}, postgres ${alive(postgres) ? 'running' : 'gone'} after ${Date.now() - t0} ms\n${s.output()}`);
    });
    expect(s.output()).toContain('housing365 stopped');
  });

  it('stops too when npm itself is killed without a chance to pass the signal on', async () => {
    const s = npmStart();
    await s.ready;
    const node = pgJson().ownerPid!;
    const postgres = postmasterPid()!;
    process.kill(s.child.pid!, 'SIGKILL');
    await until(() => !alive(node) && !alive(postgres), 10_000, 100);
  });
});
