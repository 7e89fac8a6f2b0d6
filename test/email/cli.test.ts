// housing365 email / templates / doctor as a user runs them (each command is a process of its own,
// a few seconds each on a small machine: hence the long time limits) (in demo mode: the CLI starts the demo
// emulator itself when no housing365 process runs on the data directory).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
const dataDir = mkdtempSync(path.join(tmpdir(), 'h365-cli-email-'));

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: database.url, HOUSING365_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => database?.drop());

describe('housing365 email, templates and doctor', () => {
  it('lists, changes, previews and resets templates; a Liquid error names the line', async () => {
    const list = await cli('templates', 'list', '--json');
    expect(JSON.parse(list.stdout).map((t: { code: string }) => t.code)).toEqual(['APPT_CANCELLED', 'APPT_CONFIRM', 'APPT_MOVED', 'COMPLAINT_ACK', 'EMAIL_ACK']);
    const file = path.join(dataDir, 'ack.txt');
    writeFileSync(file, 'Thanks.\nRef {{ email.reference }}');
    expect((await cli('templates', 'set', 'EMAIL_ACK', '--text-file', file)).stdout).toContain('EMAIL_ACK saved');
    const preview = await cli('templates', 'preview', 'EMAIL_ACK', '--data', '{"email":{"reference":"TSK-9","subject":"Hi"}}');
    expect(preview.stdout).toContain('Ref TSK-9');
    writeFileSync(file, 'Thanks.\n{% if %}');
    const bad = await cli('templates', 'set', 'EMAIL_ACK', '--text-file', file);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Plain-text body, line 2/);
    expect((await cli('templates', 'delete', 'EMAIL_ACK')).stdout).toContain('reset to the shipped text');
  }, 240_000);

  it('queues an email with an attachment, shows it held while the flow is off, and lists it', async () => {
    const pdf = path.join(dataDir, 'letter.pdf');
    writeFileSync(pdf, '%PDF-1.4 letter');
    const sent = await cli('email', 'send', '--to', 'asb@housingorganisation.co.uk', '--subject', 'From the CLI', '--text', 'Hello', '--attach', pdf);
    expect(sent.code).toBe(0);
    const id = /queued ([0-9a-f-]{36})/.exec(sent.stdout)![1];
    const drain = await cli('email', 'drain');
    expect(drain.stdout).toMatch(/nothing sent: held: .*OUTLOOK365/);
    const show = JSON.parse((await cli('email', 'show', id, '--json')).stdout);
    expect(show).toMatchObject({ status: 'held', attachments: [{ name: 'letter.pdf', contentType: 'application/pdf' }] });
    expect((await cli('email', 'list', '--status', 'held')).stdout).toContain('From the CLI');
  }, 240_000);

  it('streams --attach files into the blob store and refuses one over EXCHANGE_MAX_MESSAGE_MB, naming the option', async () => {
    const big = path.join(dataDir, 'plans.pdf');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024 + 10, 7));
    let r: { code: number; stdout: string; stderr: string };
    try {
      const out = await run(process.execPath, [bin, 'email', 'send', '--to', 'asb@housingorganisation.co.uk', '--subject', 'Plans', '--text', 'x', '--attach', big], { env: { ...process.env, DATABASE_URL: database.url, HOUSING365_DATA_DIR: dataDir, LOG_LEVEL: 'warn', EXCHANGE_MAX_MESSAGE_MB: '2' } });
      r = { code: 0, ...out };
    } catch (err) {
      r = err as never;
    }
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/2 MB/);
    expect(r.stderr).toMatch(/attach/);
  }, 240_000);

  it('doctor reports each check and exits non-zero while something fails', async () => {
    const r = await cli('doctor', '--json');
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report.ok).toBe(false);
    expect(report.endpoints.mode).toBe('demo');
    const byName = Object.fromEntries(report.checks.map((c: { name: string; status: string }) => [c.name, c.status]));
    expect(byName).toMatchObject({ 'OUTLOOK365 licence': 'fail', OUTLOOK365: 'fail', token: 'pass' });
  }, 120_000);
});
