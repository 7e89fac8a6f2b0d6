import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let database: Awaited<ReturnType<typeof createTestDatabase>>;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], {
      env: { ...process.env, DATABASE_URL: database.url, LOG_LEVEL: 'warn' },
    });
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

// Each CLI call is a fresh Node process (a second or more on a busy 2-core machine).
describe('housing365 CLI', { timeout: 240_000 }, () => {
  it('migrates, then sets and reads a parameter', async () => {
    expect((await cli('migrate')).code).toBe(0);
    const set = await cli('params', 'set', 'EMI_POLL', '5');
    expect(set.stdout).toContain('EMI_POLL = 5');
    const get = await cli('params', 'get', 'EMI_POLL', '--json');
    expect(JSON.parse(get.stdout).value).toBe('5');
  });

  it('exits non-zero with a one-line reason naming the parameter on bad input', async () => {
    const r = await cli('params', 'set', 'EMI_POLL', 'abc');
    expect(r.code).not.toBe(0);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^housing365: .*EMI_POLL/);
  });

  it('rejects unknown options and commands with usage', async () => {
    const r = await cli('params', 'list', '--bogus');
    expect(r.code).toBe(64);
    expect(r.stderr).toMatch(/usage: housing365 params/);
    expect((await cli('frobnicate')).code).toBe(64);
  });

  it('manages FRVs, users, teams and tokens', async () => {
    expect((await cli('frv', 'add', 'EXCHANGE_INBOX', 'ASB', 'Anti-social', 'behaviour')).code).toBe(0);
    const list = await cli('frv', 'list', 'EXCHANGE_INBOX', '--json');
    expect(JSON.parse(list.stdout)[0]).toMatchObject({ code: 'ASB', description: 'Anti-social behaviour', active: true });
    const user = await cli('users', 'add', 'sam', '--name', 'Sam Officer', '--role', 'officer');
    expect(user.stdout).toMatch(/one-time password: \S{12,}/);
    expect((await cli('teams', 'add', 'ASB', 'ASB team')).code).toBe(0);
    expect((await cli('teams', 'add-member', 'ASB', 'sam')).code).toBe(0);
    const token = await cli('tokens', 'create', '--name', 'ci', '--role', 'admin');
    expect(token.stdout.trim()).toMatch(/^h365_/);
    const tokens = await cli('tokens', 'list', '--json');
    expect(JSON.stringify(JSON.parse(tokens.stdout))).not.toContain(token.stdout.trim());
  });

  it('shows every command in --help', async () => {
    const r = await cli('--help');
    for (const c of ['start', 'migrate', 'params', 'frv', 'licence', 'users', 'teams', 'tokens']) expect(r.stdout).toContain(c);
  });
});
