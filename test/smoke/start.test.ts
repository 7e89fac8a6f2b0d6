import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServer } from '../helpers/start-server.ts';

// The embedded path end to end, as a user runs it: `npm start` with no DATABASE_URL on an empty data
// directory, ready, signed in over HTTP, SIGTERM, clean exit; then a kill -9 and a start that recovers.

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-smoke-'));
const children: ChildProcess[] = [];

const start = () => startServer(root, dataDir, children, process.execPath, ['bin/housing365.js', 'start']);

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

async function signIn(base: string): Promise<Response> {
  const form = await fetch(`${base}/sign-in`);
  const html = await form.text();
  const cookie = (form.headers.getSetCookie?.() ?? []).map((c) => c.split(';')[0]).join('; ');
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1];
  const body = new URLSearchParams({ username: 'admin', password: 'smoke-test-password-1', ...(csrf ? { _csrf: csrf } : {}) });
  return fetch(`${base}/sign-in`, { method: 'POST', body, redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' } });
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  // Run as root, the cluster lives in the postgres user's own folder, outside the data directory.
  const clusterDir = (JSON.parse(await fs.readFile(path.join(dataDir, 'pg.json'), 'utf8').catch(() => '{}')) as { clusterDir?: string }).clusterDir;
  if (clusterDir) await fs.rm(path.dirname(clusterDir), { recursive: true, force: true });
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
});

// Whole processes start and stop here, with a database server each time: allow for a busy machine.
describe('npm start on the embedded database', { timeout: 240_000 }, () => {
  it('starts on an empty data directory, becomes ready, signs in, and stops cleanly on SIGTERM', async () => {
    const s = start();
    const base = await s.ready;
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    const res = await signIn(base);
    expect([302, 303]).toContain(res.status);
    const session = res.headers.getSetCookie().find((c) => c.startsWith('housing365_session='));
    expect(session).toBeTruthy();
    const home = await fetch(`${base}/`, { headers: { cookie: session!.split(';')[0] } });
    expect(home.status).toBe(200);
    s.child.kill('SIGTERM');
    expect(await exited(s.child)).toBe(0);
    expect(s.output()).toContain('housing365 stopped');
  });

  it('recovers the data directory after kill -9 and keeps the data', async () => {
    const s = start();
    await s.ready;
    s.child.kill('SIGKILL');
    await exited(s.child);
    const again = start();
    const base = await again.ready;
    expect((await fetch(`${base}/readyz`)).status).toBe(200);
    expect([302, 303]).toContain((await signIn(base)).status);
    again.child.kill('SIGTERM');
    expect(await exited(again.child)).toBe(0);
  });
});
