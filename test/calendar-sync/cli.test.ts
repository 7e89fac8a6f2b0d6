// housing365 calendars: status, stop/start and run-now through the real binary.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestContext, type TestContext } from '../helpers/db.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { addProductArea } from '../../src/app/appointments/product-areas.ts';
import { createDiary } from '../../src/app/appointments/diaries.ts';
import { calendarPollStatus } from '../../src/app/calendar-sync/poll-calendars.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let t: TestContext;
const CAL = 'rents.team@housingorganisation.co.uk';

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: { ...process.env, DATABASE_URL: t.databaseUrl, LOG_LEVEL: 'warn' } });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  t = await createTestContext();
  const actor = { username: 'setup' };
  await setParameter(t.ctx, actor, 'INBOX_SERVER', 'housingorganisation.co.uk');
  await addProductArea(t.ctx, actor, { code: 'RENTS', name: 'Rents' });
  await createDiary(t.ctx, actor, { code: 'RENTS', name: 'Rents Appointments', productAreaCode: 'RENTS', externalCalendar: 'OUTLOOK365', calendarAddress: CAL });
});
afterAll(async () => t?.cleanup());

describe('housing365 calendars', () => {
  it('shows why polling does not run and each mapped calendar', async () => {
    const r = await cli('calendars', 'status');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Calendar polling: not running');
    expect(r.stdout).toContain('APPTIN_OUTLOOK365 is N');
    expect(r.stdout).toContain(CAL);
    const json = JSON.parse((await cli('calendars', 'status', '--json')).stdout);
    expect(json.calendars[0]).toMatchObject({ calendar: CAL, diaryCodes: ['RENTS'] });
  }, 120_000);

  it('stops, starts and requests a run', async () => {
    expect((await cli('calendars', 'stop')).stdout).toContain('Calendar polling stopped');
    expect((await calendarPollStatus(t.ctx)).stopped).toBe(true);
    // The same through `poll … --calendars` (guide §2.4.3 next to the inbox poll of §2.2.6).
    expect((await cli('poll', 'start', '--calendars')).stdout).toContain('Calendar polling started');
    expect((await calendarPollStatus(t.ctx)).stopped).toBe(false);
    expect((await cli('calendars', 'run', CAL)).stdout).toContain('1 calendar(s) will be synced');
    expect((await calendarPollStatus(t.ctx)).calendars[0].state?.runRequestedAt).toBeInstanceOf(Date);
    const bad = await cli('calendars', 'run', 'nobody@housingorganisation.co.uk');
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/No Outlook-mapped diary uses the calendar/);
  }, 240_000);
});
