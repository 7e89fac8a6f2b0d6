// Issue 14 §3: the poll scheduler, driven with an injected clock (no timing assertions). A 1-minute
// EMI_POLL / CALI_POLL gives runs exactly 60 s apart when the scheduler ticks every 5 s; a flow whose
// switch is turned back on starts its work at the next tick, whatever the poll interval says; and a
// switch change signals every job process to tick at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { startInboundWorld, demoMailboxes, type InboundWorld } from '../calendar-sync/world.ts';
import { addFrv } from '../../src/app/frvs.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { SYSTEM_ACTOR } from '../../src/app/context.ts';
import { syncInbox } from '../../src/app/inbound/sync-inbox.ts';
import { syncCalendar } from '../../src/app/calendar-sync/sync-calendar.ts';
import { inboundCalendarSettings } from '../../src/app/calendar-sync/settings.ts';
import { configuredInboxes } from '../../src/app/inbound/poll-inboxes.ts';
import { pollSchedulerRecord } from '../../src/app/poll-flows.ts';
import { OUTBOX_QUEUE } from '../../src/app/email/enqueue.ts';
import { CALENDAR_PUSH_QUEUE } from '../../src/app/appointments/calendar-outbox.ts';
import { EVENT_QUERY_QUEUE } from '../../src/transport/jobs/inbox-poll.ts';
import { runPollSchedulerTick, startPollScheduler, type Timers } from '../../src/transport/jobs/poll-scheduler.ts';
import { wakeListening } from '../../src/transport/jobs/wake.ts';
import { CALENDAR_SYNC_QUEUE, INBOX_SYNC_QUEUE, ensureSyncQueue } from '../../src/transport/jobs/sync-queues.ts';
import { POLL_TICK_MS } from '../../src/domain/params/poll-cadence.ts';
import { until } from '../helpers/until.ts';

let w: InboundWorld;
let boss: PgBoss;
let clock = Date.now();

beforeAll(async () => {
  w = await startInboundWorld();
  const ctx = w.t.ctx;
  ctx.now = () => new Date(clock);
  for (const [k, v] of [['EMI_POLL', '1'], ['CALI_POLL', '1'], ['EMAILIN_OUTLOOK365', 'Y']] as const) await setParameter(ctx, SYSTEM_ACTOR, k, v);
  for (const code of ['ASB', 'COMPLAINTS']) await addFrv(ctx, SYSTEM_ACTOR, { domain: 'EXCHANGE_INBOX', code, description: code });
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 2 });
  boss.on('error', () => {});
  await boss.start();
  // The queues the job modules make; no workers: the test takes the jobs itself.
  for (const q of [OUTBOX_QUEUE, CALENDAR_PUSH_QUEUE, EVENT_QUERY_QUEUE]) await boss.createQueue(q, { name: q, policy: 'short' });
  await ensureSyncQueue(boss, INBOX_SYNC_QUEUE);
  await ensureSyncQueue(boss, CALENDAR_SYNC_QUEUE);
}, 60_000);
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

/** Takes every waiting job of a queue (what a worker would). */
async function take<T extends object>(queue: string): Promise<T[]> {
  const jobs = await boss.fetch<T>(queue, { batchSize: 50 });
  for (const j of jobs) await boss.complete(queue, j.id);
  return jobs.map((j) => j.data);
}

/** The sync jobs queued now, each run at once as a worker would (on the injected clock). */
async function runQueued(): Promise<string[]> {
  const ctx = w.t.ctx;
  const inboxes = (await configuredInboxes(ctx)).inboxes;
  const settings = await inboundCalendarSettings(ctx);
  const ran: string[] = [];
  for (const { inbox } of await take<{ inbox: string }>(INBOX_SYNC_QUEUE)) {
    await syncInbox(ctx, inboxes.find((i) => i.code === inbox)!, { gateway: w.gateway.mail });
    ran.push(inbox);
  }
  for (const { calendar } of await take<{ calendar: string }>(CALENDAR_SYNC_QUEUE)) {
    await syncCalendar(ctx, calendar, { gateway: w.gateway.calendar, settings });
    ran.push(calendar);
  }
  return ran.sort();
}

const everything = ['ASB', 'COMPLAINTS', ...demoMailboxes.officers].sort();

describe('the poll scheduler', () => {
  it('runs every inbox and calendar every 60 s with EMI_POLL = CALI_POLL = 1, ticking every 5 s', async () => {
    const runsAt = new Map<string, number[]>();
    const start = clock;
    for (; clock <= start + 5 * 60_000; clock += POLL_TICK_MS) {
      await runPollSchedulerTick(w.t.ctx, boss);
      for (const target of await runQueued()) runsAt.set(target, [...(runsAt.get(target) ?? []), clock - start]);
    }
    expect([...runsAt.keys()].sort()).toEqual(everything);
    for (const [, at] of runsAt) {
      expect(at).toEqual([0, 60_000, 120_000, 180_000, 240_000, 300_000]);
    }
  }, 120_000);

  it('starts a flow whose switch is turned back on at the next tick, not when its poll interval is up', async () => {
    const ctx = w.t.ctx;
    clock += POLL_TICK_MS; // 5 s after the last runs: nothing is due for 55 s
    expect(await runPollSchedulerTick(ctx, boss)).toMatchObject({ switchedOn: [], inboxes: { queued: 0 }, calendars: { queued: 0 } });
    for (const s of ['EMAILIN_OUTLOOK365', 'APPTIN_OUTLOOK365', 'EMAILOUT_OUTLOOK365', 'APPTOUT_OUTLOOK365']) await setParameter(ctx, SYSTEM_ACTOR, s, 'N');
    clock += POLL_TICK_MS;
    expect(await runPollSchedulerTick(ctx, boss)).toMatchObject({ inboxes: { queued: 0, held: expect.stringMatching(/EMAILIN_OUTLOOK365 is N/) }, calendars: { queued: 0 } });
    await take(OUTBOX_QUEUE);
    await take(CALENDAR_PUSH_QUEUE);
    for (const s of ['EMAILIN_OUTLOOK365', 'APPTIN_OUTLOOK365', 'EMAILOUT_OUTLOOK365', 'APPTOUT_OUTLOOK365']) await setParameter(ctx, SYSTEM_ACTOR, s, 'Y');
    clock += POLL_TICK_MS; // 15 s after the last runs
    const tick = await runPollSchedulerTick(ctx, boss);
    expect(tick?.switchedOn.sort()).toEqual(['apptIn', 'apptOut', 'emailIn', 'emailOut']);
    expect(await runQueued()).toEqual(everything);
    expect(await take(OUTBOX_QUEUE)).toHaveLength(1);
    expect(await take(CALENDAR_PUSH_QUEUE)).toHaveLength(1);
    // And from then on the ordinary cadence: nothing due 5 s later.
    clock += POLL_TICK_MS;
    expect(await runPollSchedulerTick(ctx, boss)).toMatchObject({ switchedOn: [], inboxes: { queued: 0 }, calendars: { queued: 0 } });
  });

  it('ticks at once on a switch change made by any process (the settings signal), not only on its timer', async () => {
    const ctx = w.t.ctx;
    // A timer that never fires: only the signal can make this scheduler tick.
    const timers: Timers = { set: () => 0, clear: () => {} };
    const scheduler = startPollScheduler(ctx, boss, { timers });
    try {
      // The signal travels by NOTIFY: one sent before this process LISTENs is not seen.
      await wakeListening(boss);
      await take(CALENDAR_PUSH_QUEUE);
      await setParameter(ctx, SYSTEM_ACTOR, 'APPTOUT_OUTLOOK365', 'N');
      await until(async () => (await pollSchedulerRecord(ctx)).flows?.apptOut === false);
      await setParameter(ctx, SYSTEM_ACTOR, 'APPTOUT_OUTLOOK365', 'Y');
      const jobs = await until(async () => {
        const j = await take(CALENDAR_PUSH_QUEUE);
        return j.length > 0 && j;
      });
      expect(jobs).toHaveLength(1);
    } finally {
      await scheduler.stop();
    }
  });
});
