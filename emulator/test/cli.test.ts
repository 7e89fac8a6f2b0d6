// The command-line contract other tools rely on: one JSON line on stdout when ready, exit 0 on
// SIGTERM, and --state-dir persistence across restarts.
import { spawn, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';
import { afterAll, describe, expect, it } from 'vitest';
import { asb, testSeed } from './helpers.ts';

const here = dirname(fileURLToPath(import.meta.url));
const bin = resolve(here, '../bin/graph-emulator.js');
const repoRoot = resolve(here, '../..');
const work = mkdtempSync(join(tmpdir(), 'graph-emulator-cli-'));
const seedFile = join(work, 'seed.json');
writeFileSync(seedFile, JSON.stringify(testSeed()));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Ready {
  graphBaseUrl: string;
  authority: string;
  caCertPath: string;
  smtp: { host: string; port: number };
}

function start(cmd: string, args: string[], cwd?: string): Promise<{ child: ChildProcess; ready: Ready; stdout: () => string }> {
  const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stderr!.on('data', (d) => (err += d));
  return new Promise((resolveReady, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready in time; stderr: ${err}`)), 30_000);
    child.stdout!.on('data', (d) => {
      out += d;
      const nl = out.indexOf('\n');
      if (nl >= 0 && timer) {
        clearTimeout(timer);
        resolveReady({ child, ready: JSON.parse(out.slice(0, nl)), stdout: () => out });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}; stderr: ${err}`)));
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return stopWithSignal(child).then((x) => x.code);
}

function stopWithSignal(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((r) => {
    child.once('exit', (code, signal) => r({ code, signal }));
    child.kill('SIGTERM');
  });
}

async function tokenAndGet(ready: Ready, path: string): Promise<{ status: number; body: any }> {
  const dispatcher = new Agent({ connect: { ca: readFileSync(ready.caCertPath, 'utf8') } });
  try {
    const seed = testSeed();
    const t = await fetch(`${ready.authority}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: seed.apps[0].clientId, client_secret: seed.apps[0].clientSecret!, scope: 'https://graph.microsoft.com/.default' }), dispatcher } as RequestInit);
    const { access_token } = (await t.json()) as { access_token: string };
    const res = await fetch(`${ready.graphBaseUrl}${path}`, { headers: { authorization: `Bearer ${access_token}` }, dispatcher } as RequestInit);
    return { status: res.status, body: await res.json() };
  } finally {
    await dispatcher.close();
  }
}

describe('graph-emulator CLI', () => {
  it('prints exactly one JSON line when ready, serves Graph over HTTPS with its CA, and exits 0 on SIGTERM', async () => {
    const { child, ready, stdout } = await start(process.execPath, [bin, '--seed', seedFile, '--port', '0', '--smtp-port', '0']);
    expect(Object.keys(ready).sort()).toEqual(['authority', 'caCertPath', 'graphBaseUrl', 'smtp']);
    expect(ready.graphBaseUrl).toMatch(/^https:\/\/localhost:\d+\/v1\.0$/);
    expect(ready.authority).toBe(`${ready.graphBaseUrl.replace('/v1.0', '')}/${testSeed().tenant.id}`);
    expect(ready.smtp.host).toBe('127.0.0.1');
    expect(ready.smtp.port).toBeGreaterThan(0);
    const me = await tokenAndGet(ready, `/users/${asb}`);
    expect(me.status).toBe(200);
    expect(me.body.userPrincipalName).toBe(asb);
    expect(await stop(child)).toBe(0);
    expect(stdout().trim().split('\n')).toHaveLength(1);
  });

  it('runs as `npx graph-emulator` from the repository root', async () => {
    const { child, ready } = await start('npx', ['--no-install', 'graph-emulator', '--seed', seedFile, '--port', '0'], repoRoot);
    expect(ready.graphBaseUrl).toMatch(/^https:\/\/localhost:\d+\/v1\.0$/);
    // npm forwards SIGTERM to the emulator and then ends itself by that signal (npm's own behaviour)
    const end = await stopWithSignal(child);
    expect(end.code === 0 || end.signal === 'SIGTERM').toBe(true);
    const port = Number(new URL(ready.graphBaseUrl).port);
    const refused = () => new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => (s.destroy(), r(false)));
      s.on('error', () => r(true));
    });
    // the emulator notices its launcher is gone and stops too
    let closed = false;
    for (let i = 0; i < 100 && !closed; i++) {
      closed = await refused();
      if (!closed) await new Promise((r) => setTimeout(r, 100));
    }
    expect(closed).toBe(true);
  });

  it('keeps mailboxes, ids, CA and delta positions across restarts with --state-dir', async () => {
    const stateDir = join(work, 'state');
    const first = await start(process.execPath, [bin, '--seed', seedFile, '--port', '0', '--state-dir', stateDir]);
    const origin = first.ready.graphBaseUrl.replace('/v1.0', '');
    const dispatcher = new Agent({ connect: { ca: readFileSync(first.ready.caCertPath, 'utf8') } });
    const delivered = await (await fetch(`${origin}/_emulator/users/${asb}/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ subject: 'Survives restarts' }), dispatcher } as RequestInit)).json() as { immutableId: string };
    await dispatcher.close();
    const before = await tokenAndGet(first.ready, `/users/${asb}/mailFolders/inbox/messages/delta`);
    const deltaLink: string = before.body['@odata.deltaLink'];
    expect(await stop(first.child)).toBe(0);

    const second = await start(process.execPath, [bin, '--seed', seedFile, '--port', '0', '--state-dir', stateDir]);
    expect(second.ready.caCertPath).toBe(first.ready.caCertPath);
    const after = await tokenAndGet(second.ready, `/users/${asb}/messages/${delivered.immutableId}`);
    expect(after.status).toBe(200);
    expect(after.body.subject).toBe('Survives restarts');
    // the old deltaLink (on the old port) still names a valid position: nothing changed since
    const path = new URL(deltaLink).pathname.replace('/v1.0', '') + new URL(deltaLink).search;
    const again = await tokenAndGet(second.ready, path);
    expect(again.status).toBe(200);
    expect(again.body.value).toEqual([]);
    expect(await stop(second.child)).toBe(0);
  });
});
