// housing365 complaints … as an administrator runs it (each command a process of its own).
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { createJobType } from '../../src/app/tasks/setup.ts';
import { makeTeam, system } from '../tasks/helpers.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
const dataDir = mkdtempSync(path.join(tmpdir(), 'h365-cli-complaints-'));
let t: TestContext;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: t.databaseUrl, HOUSING365_DATA_DIR: dataDir, LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  t = await createTestContext({ dataDir });
  const team = await makeTeam(t.ctx, 'COMPLAINTS_TEAM', []);
  await createJobType(t.ctx, system, { code: 'EMAIL_COMPLAINTS', name: 'Complaints inbox', defaultTeamId: team });
});
afterAll(async () => t?.cleanup());

describe('housing365 complaints', () => {
  it('marks a job type with a policy, loads a bank-holiday file from disk, sets the nation and prints the report as CSV', async () => {
    expect((await cli('complaints', 'policy', 'set', 'EMAIL_COMPLAINTS', '--stage2-respond', '25')).stdout).toContain('stage 1 5/10/10, stage 2 5/25/20');
    expect(JSON.parse((await cli('complaints', 'policies', '--json')).stdout)).toEqual([{ jobType: 'EMAIL_COMPLAINTS', stage1: '5/10/10', stage2: '5/25/20', template: 'COMPLAINT_ACK' }]);
    const bad = await cli('complaints', 'policy', 'set', 'EMAIL_COMPLAINTS', '--stage1-ack', 'soon');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('stage1AcknowledgeDays');

    const badFile = path.join(dataDir, 'bad.json');
    writeFileSync(badFile, '{"scotland":{"events":[{"title":"x","date":"2027-02-30"}]}}');
    const refused = await cli('complaints', 'holidays', 'load', badFile);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('scotland.events.0.date');
    const file = path.join(dataDir, 'bank-holidays.json');
    writeFileSync(file, JSON.stringify({ scotland: { division: 'scotland', events: [{ title: 'New Year’s Day', date: '2027-01-01', notes: '', bunting: true }, { title: '2nd January', date: '2027-01-04', notes: 'Substitute day', bunting: true }] } }));
    expect((await cli('complaints', 'holidays', 'load', file)).stdout).toMatch(/^scotland: 2 dates for 2027 \(file \d+\)/);

    expect(JSON.parse((await cli('complaints', 'settings', '--nation', 'scotland', '--json')).stdout)).toEqual([{ nation: 'scotland', reminder: 'off', reminderDays: 2, reminderTo: '' }]);
    const report = await cli('complaints', 'report', '--year', '2026');
    expect(report.code).toBe(0);
    expect(report.stdout.split('\r\n')[0]).toBe('measure,stage 1,stage 2,notes');
    expect(report.stdout).toContain('received,0,0,');
    expect((await cli('complaints', 'report', '--year', 'last')).code).toBe(2);
    expect((await cli('complaints', 'policy', 'remove', 'NO_SUCH_TYPE')).code).toBe(64);
  }, 120_000);
});
