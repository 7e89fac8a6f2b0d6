// Scale-out as deployed: one `housing365 serve` (web + webhooks) and two `housing365 worker` OS
// processes on one PostgreSQL, in demo mode (the first process starts the emulator, the others use
// it), PUBLIC_BASE_URL on loopback. The workers subscribe the inboxes; mail delivered to the emulator
// is notified to serve's webhook, which queues the inbox's run and wakes the workers; the email is
// imported and its task raised once. Then one worker is killed with SIGKILL and the other carries on.
// Waits are generous (the once-a-minute poll is the floor); nothing here measures speed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { createDispatcher } from '../../src/adapters/graph/index.ts';
import { demoMailboxes } from '../../src/adapters/graph/demo-tenant.ts';
import { until } from '../helpers/until.ts';

const root = path.resolve(import.meta.dirname, '../..');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let sql: pg.Client;
let dataDir: string;
let port: number;
const children: ChildProcess[] = [];
let serve: ChildProcess;
let workers: ChildProcess[] = [];
let emulator: { admin: string; dispatcher: ReturnType<typeof createDispatcher> };

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });

/** Starts `housing365 <command>` and resolves once it prints `ready`. */
function run(command: 'serve' | 'worker', ready: RegExp): Promise<ChildProcess> {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: database.url,
    HOUSING365_DATA_DIR: dataDir,
    PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
    PORT: String(port),
    HOUSING365_ADMIN_PASSWORD: 'processes-test-password-1',
    LOG_LEVEL: 'warn',
  };
  for (const k of Object.keys(env)) if (k.startsWith('AZURE_') || k === 'GRAPH_BASE_URL') delete env[k];
  const child = spawn(process.execPath, ['bin/housing365.js', command], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      if (ready.test(out)) resolve(child);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`housing365 ${command} exited ${code} before ready:\n${out}`)));
  });
}


/** Generous: the once-a-minute poll is the floor if a notification were lost. */
const WAIT_MS = 120_000;

const count = async (query: string, params: unknown[] = []) => Number((await sql.query(query, params)).rows[0].n);
const stored = (prefix: string) => sql.query<{ rows: number; distinct: number }>(
  `SELECT count(*)::int AS rows, count(DISTINCT internet_message_id)::int AS distinct FROM inbound_emails WHERE subject LIKE $1`, [`${prefix} %`]).then((r) => r.rows[0]);

async function deliver(mailbox: string, n: number, subjectPrefix: string) {
  const res = await fetch(`${emulator.admin}/users/${mailbox}/messages/bulk`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: n, subjectPrefix, startDateTime: new Date(Date.now() + 1000).toISOString() }),
    dispatcher: emulator.dispatcher,
  });
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  database = await createTestDatabase();
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-processes-'));
  port = await freePort();
  serve = await run('serve', /running at http:\/\/localhost:\d+/);
  workers = [await run('worker', /worker running/), await run('worker', /worker running/)];
  const endpoints = JSON.parse(await fs.readFile(path.join(dataDir, 'emulator', 'endpoints.json'), 'utf8')) as { origin: string; caCertPem: string };
  emulator = { admin: `${endpoints.origin}/_emulator`, dispatcher: createDispatcher(endpoints.caCertPem) };
}, 180_000);

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGTERM');
  await Promise.all(children.map((c) => (c.exitCode === null && c.signalCode === null ? new Promise((r) => c.once('exit', r)) : undefined)));
  await sql?.end();
  await database?.drop();
  await fs.rm(dataDir, { recursive: true, force: true });
});

describe('housing365 serve + two workers on one PostgreSQL', () => {
  it('subscribes the inboxes, imports notified mail once each, and goes on after a worker is killed', async () => {
    // The workers' subscription tick subscribes both demo inboxes; the emulator validated serve's webhook.
    await until(async () => (await count(`SELECT count(*)::int AS n FROM graph_subscriptions WHERE kind = 'inbox' AND status = 'active'`)) === 2, WAIT_MS);

    await deliver(demoMailboxes.asb, 10, 'Scaled ASB');
    await deliver(demoMailboxes.complaints, 10, 'Scaled complaint');
    await until(async () => (await stored('Scaled ASB')).rows >= 10 && (await stored('Scaled complaint')).rows >= 10, WAIT_MS);
    expect(await stored('Scaled ASB')).toEqual({ rows: 10, distinct: 10 });
    expect(await stored('Scaled complaint')).toEqual({ rows: 10, distinct: 10 });
    // Each email becomes one task (the event queries run after the import).
    await until(async () => (await count(`SELECT count(*)::int AS n FROM tm_tasks WHERE title LIKE 'Scaled %'`)) >= 20, WAIT_MS);
    expect(await count(`SELECT count(*)::int AS n FROM tm_tasks WHERE title LIKE 'Scaled %'`)).toBe(20);
    // serve's webhook took the emulator's notifications.
    const res = await fetch(`${emulator.admin}/subscriptions/deliveries`, { dispatcher: emulator.dispatcher });
    const deliveries = ((await res.json()) as { value: { kind?: string; status?: number }[] }).value;
    expect(deliveries.filter((d) => d.status === 202).length).toBeGreaterThan(0);
    expect(await count(`SELECT coalesce(sum(notifications), 0)::int AS n FROM graph_subscriptions`)).toBeGreaterThan(0);

    // kill -9 one worker: the other imports what comes next.
    workers[0].kill('SIGKILL');
    await new Promise((r) => workers[0].once('exit', r));
    await deliver(demoMailboxes.asb, 10, 'After the kill');
    await until(async () => (await stored('After the kill')).rows >= 10, WAIT_MS);
    expect(await stored('After the kill')).toEqual({ rows: 10, distinct: 10 });
    expect(await stored('Scaled ASB')).toEqual({ rows: 10, distinct: 10 });
    expect(serve.exitCode).toBeNull();
    expect(workers[1].exitCode).toBeNull();
  }, 300_000);
});
