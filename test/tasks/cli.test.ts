import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dir: string;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { cwd: dir, env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  dir = await mkdtemp(path.join(tmpdir(), 'h365-cli-'));
});
afterAll(async () => {
  await database?.drop();
  await rm(dir, { recursive: true, force: true });
});

describe('housing365 workflow and poll', () => {
  it('generates a workflow file by the guide\'s find-and-replace and uploads it as a category', async () => {
    const g = await cli('workflow', 'generate', '--code', 'EMAILASB', '--name', 'Inbound Emails for ASB');
    expect(g).toMatchObject({ code: 0 });
    const text = await readFile(path.join(dir, 'EMAILASB.wft'), 'utf8');
    expect(text).toContain('summary = Inbound Emails for ASB Pending');
    expect((await cli('workflow', 'upload', 'EMAILASB.wft')).stdout).toContain('Workflow EMAILASB "Inbound Emails for ASB" created');
    expect((await cli('workflow', 'list')).stdout).toMatch(/EMAILASB\s+Inbound Emails for ASB\s+Inbound Emails for ASB Pending/);
    const queries = await cli('tasks', 'queries');
    expect(queries.stdout).toMatch(/Inbound emails\s+1 min\s+Y/);
    const run = await cli('tasks', 'run-query', '1');
    expect(run).toMatchObject({ code: 0, stdout: expect.stringContaining('0 rows, 0 events, 0 tasks') });
    const bad = await cli('workflow', 'generate', '--code', 'TOOLONGCODE', '--name', 'x');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/maximum of 8 characters/);
  }, 180_000);

  it('says why the poll does not run, and starts and stops it', async () => {
    const s = await cli('poll', 'status');
    expect(s.code).toBe(0);
    expect(s.stdout).toContain('Inbound email: NOT running');
    expect(s.stdout).toMatch(/EMAILIN_OUTLOOK365 is not set/);
    expect(s.stdout).toMatch(/no active EXCHANGE_INBOX values/);
    expect((await cli('poll', 'stop')).stdout).toContain('Inbound polling stopped for all inboxes');
    expect((await cli('poll', 'status')).stdout).toContain('Inbound polling is stopped');
    expect((await cli('poll', 'start')).stdout).toContain('started');
    const unknown = await cli('poll', 'run-now', '--inbox', 'ASB');
    expect(unknown.code).toBe(3);
    expect(unknown.stderr).toMatch(/ASB is not an active EXCHANGE_INBOX value/);
  }, 180_000);
});
