// Issue 14 §4: `housing365 poll status` / `calendars status` — run as their own processes, with no
// Graph connection — and GET /api/v1/integration/inboxes report what the running system does: the
// job process's poll scheduler and its runs, read from the database. Here the running system is a
// real pg-boss with the inbox and calendar jobs and the poll scheduler, against the emulator.
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboundWorld, type InboundWorld } from '../calendar-sync/world.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { createApiToken } from '../../src/app/auth.ts';
import { inboundPollStatus } from '../../src/app/inbound/poll-inboxes.ts';
import { calendarPollStatus } from '../../src/app/calendar-sync/poll-calendars.ts';
import { OPERATOR_VIEWER } from '../../src/domain/tasks/visibility.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { inboxPollJobs } from '../../src/transport/jobs/inbox-poll.ts';
import { calendarPollJobs } from '../../src/transport/jobs/calendar-poll.ts';
import { startPollScheduler, type PollScheduler } from '../../src/transport/jobs/poll-scheduler.ts';
import { OUTBOX_QUEUE } from '../../src/app/email/enqueue.ts';
import { CALENDAR_PUSH_QUEUE } from '../../src/app/appointments/calendar-outbox.ts';
import { until } from '../helpers/until.ts';

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, '../../bin/housing365.js');
let w: InboundWorld;
let boss: PgBoss;
let scheduler: PollScheduler | undefined;

async function cli(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: w.t.databaseUrl, LOG_LEVEL: 'warn', HOUSING365_LICENCE_PUBLIC_KEY: w.t.ctx.licencePublicKeys[0] };
    delete env.AZURE_TENANT_ID;
    const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

beforeAll(async () => {
  w = await startInboundWorld();
  const ctx = w.t.ctx;
  for (const [k, v] of [['EMI_POLL', '1'], ['EMAILIN_OUTLOOK365', 'Y']] as const) await setParameter(ctx, SYSTEM_ACTOR, k, v);
  for (const code of ['ASB', 'COMPLAINTS']) await addFrv(ctx, SYSTEM_ACTOR, { domain: 'EXCHANGE_INBOX', code, description: code });
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 3 });
  boss.on('error', () => {});
  await boss.start();
  ctx.boss = boss;
  for (const q of [OUTBOX_QUEUE, CALENDAR_PUSH_QUEUE]) await boss.createQueue(q, { name: q, policy: 'short' });
  await inboxPollJobs.register(boss, ctx);
  await calendarPollJobs.register(boss, ctx);
}, 60_000);
afterAll(async () => {
  await scheduler?.stop();
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

describe('poll status from another process', () => {
  it('says nothing is polling, and why, while no job process runs', async () => {
    const r = await cli('poll', 'status');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Inbound email: NOT running');
    expect(r.stdout).toContain('No housing365 job process has checked the polls yet');
    expect(r.stdout).not.toContain('Microsoft Graph is not configured');
  }, 120_000);

  it('reports the running system: flows on, last run and next run per inbox and calendar', async () => {
    scheduler = startPollScheduler(w.t.ctx, boss);
    // The running system reads every inbox and calendar at its first tick.
    await until(async () => (await inboundPollStatus(w.t.ctx, OPERATOR_VIEWER)).inboxes.every((i) => i.state?.lastRunOk));
    await until(async () => (await calendarPollStatus(w.t.ctx)).calendars.every((c) => c.state?.lastSuccessAt && !c.state.running));

    const poll = await cli('poll', 'status');
    expect(poll.code).toBe(0);
    expect(poll.stdout).toMatch(/Inbound email: running \(every 1 min, EMI_POLL; last checked by the running housing365 \d+ s ago\)/);
    expect(poll.stdout).not.toContain('Microsoft Graph is not configured');
    expect(poll.stdout).toMatch(/ASB\s.*0 min ago.*ok/);
    expect(poll.stdout).toMatch(/in \d+ s|due now/);
    const json = JSON.parse((await cli('poll', 'status', '--json')).stdout);
    expect(json).toMatchObject({ running: true, reasons: [] });
    expect(json.inboxes.map((i: { code: string; nextRunAt: string | null }) => [i.code, typeof i.nextRunAt])).toEqual([['ASB', 'string'], ['COMPLAINTS', 'string']]);

    const cal = await cli('calendars', 'status');
    expect(cal.code).toBe(0);
    expect(cal.stdout).toMatch(/Calendar polling: running, every 1 minute\(s\) \(CALI_POLL\); last checked by the running housing365/);
    expect(cal.stdout).not.toContain('Microsoft Graph is not configured');
    expect(cal.stdout).toContain('full sync');
  }, 240_000);

  it('GET /api/v1/integration/inboxes gives the same from a web process with no Graph connection, and is in /openapi.json', async () => {
    const web = await buildServer({ ...w.t.ctx, graph: undefined });
    try {
      const token = (await createApiToken(w.t.ctx, SYSTEM_ACTOR, { name: 'status', role: 'officer' })).token;
      const res = await web.inject({ method: 'GET', url: '/api/v1/integration/inboxes', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body).toMatchObject({ running: true, reasons: [], pollMinutes: 1 });
      expect(body.lastCheckedAt).toEqual(expect.any(String));
      expect(body.inboxes).toEqual([
        expect.objectContaining({ inbox: 'ASB', polled: true, lastRunOk: true, nextRunAt: expect.any(String), lastError: null }),
        expect.objectContaining({ inbox: 'COMPLAINTS', polled: true, lastRunOk: true, nextRunAt: expect.any(String) }),
      ]);
      const cal = (await web.inject({ method: 'GET', url: '/api/v1/integration/calendars', headers: { authorization: `Bearer ${token}` } })).json();
      expect(cal).toMatchObject({ running: true, reasons: [] });
      expect(cal.calendars[0].nextRunAt).toEqual(expect.any(String));
      const openapi = (await web.inject({ method: 'GET', url: '/openapi.json' })).json();
      expect(Object.keys(openapi.paths)).toEqual(expect.arrayContaining(['/api/v1/integration/inboxes', '/api/v1/integration/inboxes/run']));
    } finally {
      await web.close();
    }
  });
});
