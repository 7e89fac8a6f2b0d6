import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import nodemailer from 'nodemailer';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../helpers/until.ts';

// Issue 14 §1 and §2 as a new user meets them, through `npm start` in demo mode: mail sent to the demo
// inbox as soon as the server is ready becomes a task; after a stop and a second start the emulator
// is on the same ports, the stored cursors still work, and new mail becomes a task again — no
// "connection refused" to an old port. The tasks arrive on the ordinary 1-minute poll (EMI_POLL=1 in
// demo mode), so the waits are generous; nothing here measures speed.

const root = path.resolve(import.meta.dirname, '../..');
const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-restart-'));
const children: ChildProcess[] = [];

interface Started {
  child: ChildProcess;
  output: () => string;
  ready: Promise<{ base: string; graph: string; smtpPort: number }>;
}

function start(): Started {
  const env: NodeJS.ProcessEnv = { ...process.env, HOUSING365_DATA_DIR: dataDir, PORT: '0', HOUSING365_ADMIN_PASSWORD: 'smoke-test-password-1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  delete env.AZURE_TENANT_ID;
  const child = spawn(process.execPath, ['bin/housing365.js', 'start'], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const ready = new Promise<{ base: string; graph: string; smtpPort: number }>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const base = /running at (http:\/\/localhost:\d+)/.exec(out)?.[1];
      const emu = /emulator: Graph (\S+), sign-in \S+, SMTP [\d.]+:(\d+)/.exec(out);
      if (base && emu) resolve({ base, graph: emu[1], smtpPort: Number(emu[2]) });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${out}`)));
  });
  return { child, output: () => out, ready };
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

/** The embedded database of the data directory (its superuser, from pg.json). */
async function database(): Promise<pg.Client> {
  const state = JSON.parse(await fs.readFile(path.join(dataDir, 'pg.json'), 'utf8')) as { port: number; password: string };
  const c = new pg.Client({ host: '127.0.0.1', port: state.port, user: 'housing365', password: state.password, database: 'housing365' });
  await c.connect();
  return c;
}

async function sendMail(smtpPort: number, subject: string): Promise<void> {
  const smtp = nodemailer.createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true });
  try {
    await smtp.sendMail({ from: 'new.tenant@example.org', to: 'asb@housingorganisation.co.uk', subject, text: 'Sent through the demo SMTP door.' });
  } finally {
    smtp.close();
  }
}

async function taskFor(subject: string): Promise<{ id: number; inbox: string }> {
  const db = await database();
  try {
    return await until(async () => (await db.query<{ id: number; inbox: string }>('SELECT id, inbox FROM tm_tasks WHERE title = $1', [subject])).rows[0], 180_000, 1_000);
  } finally {
    await db.end();
  }
}

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  await fs.rm(dataDir, { recursive: true, force: true }).catch(() => {});
});

describe('npm start in demo mode, twice', { timeout: 600_000 }, () => {
  it('turns mail sent at once into a task, and again after a restart on the same emulator ports', async () => {
    const first = start();
    const one = await first.ready;
    expect((await fetch(`${one.base}/readyz`)).status).toBe(200);
    // As the README tells a new user: send test mail at once.
    await sendMail(one.smtpPort, 'Sent as soon as housing365 was ready');
    expect(await taskFor('Sent as soon as housing365 was ready')).toMatchObject({ inbox: 'ASB' });
    first.child.kill('SIGTERM');
    expect(await exited(first.child)).toBe(0);

    const second = start();
    const two = await second.ready;
    expect(two.graph).toBe(one.graph);
    expect(two.smtpPort).toBe(one.smtpPort);
    await sendMail(two.smtpPort, 'Sent after the restart');
    expect(await taskFor('Sent after the restart')).toMatchObject({ inbox: 'ASB' });
    const db = await database();
    try {
      const states = (await db.query<{ inbox: string; cursor: string; last_run_ok: boolean; last_error: string | null }>('SELECT inbox, cursor, last_run_ok, last_error FROM inbox_sync_state ORDER BY inbox')).rows;
      for (const s of states) {
        expect(s).toMatchObject({ last_run_ok: true, last_error: null });
        expect(s.cursor).toMatch(/^\/users\//);
      }
      const cal = (await db.query<{ last_error: string | null }>('SELECT last_error FROM calendar_sync_state')).rows;
      expect(cal.length).toBeGreaterThan(0);
      for (const c of cal) expect(c.last_error).toBeNull();
      // Exactly once: the restart read nothing twice.
      expect((await db.query('SELECT subject FROM inbound_emails GROUP BY subject HAVING count(*) > 1')).rows).toEqual([]);
    } finally {
      await db.end();
    }
    expect(second.output()).not.toMatch(/ECONNREFUSED|connection refused/i);
    second.child.kill('SIGTERM');
    expect(await exited(second.child)).toBe(0);
  });
});
