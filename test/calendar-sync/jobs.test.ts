// Calendar polling through pg-boss: the tick queues one sync per due calendar, the sync worker runs it,
// CALI_POLL decides when a calendar is due again, one calendar never has two runs at once, a run that
// hangs is given up at its deadline, and a job that finds its calendar busy comes back later.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import PgBoss from 'pg-boss';
import { startInboundWorld, day, demoMailboxes, ADMIN, type InboundWorld } from './world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { calendarPollJobs, runCalendarPollTick } from '../../src/transport/jobs/calendar-poll.ts';
import { calendarPollStatus, requestCalendarRun } from '../../src/app/calendar-sync/poll-calendars.ts';
import { syncCalendar } from '../../src/app/calendar-sync/sync-calendar.ts';
import { inboundCalendarSettings } from '../../src/app/calendar-sync/settings.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { london } from './world.ts';
import { sql } from 'kysely';
import { CALENDAR_SYNC_QUEUE, queueSync } from '../../src/transport/jobs/sync-queues.ts';
import { until } from '../helpers/until.ts';

let w: InboundWorld;
let boss: PgBoss;
const sam = demoMailboxes.officers[0];


beforeAll(async () => {
  w = await startInboundWorld();
  for (const h of ['09:00', '10:00']) {
    await bookAppointment(w.t.ctx, ADMIN, { diaryCode: 'RENTS', start: london(day(2), h), who: 'T' });
    await bookAppointment(w.t.ctx, ADMIN, { diaryCode: 'ESTATES', start: london(day(2), h), who: 'T' });
  }
  await w.push();
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 2 });
  boss.on('error', () => {});
  await boss.start();
  w.t.ctx.boss = boss;
  await calendarPollJobs.register(boss, w.t.ctx);
});
afterAll(async () => {
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

describe('calendar polling jobs', () => {
  it('syncs every mapped calendar through the queue, then waits CALI_POLL minutes', async () => {
    const first = await runCalendarPollTick(w.t.ctx, boss);
    expect(first.queued).toBe(2);
    const status = await until(async () => {
      const s = await calendarPollStatus(w.t.ctx);
      return s.calendars.every((c) => c.state?.lastSuccessAt && !c.state.running) && s;
    });
    expect(status.calendars.map((c) => c.state!.lastResult)).toEqual(['full sync: 2 change(s) read, 0 applied, 0 refused', 'full sync: 2 change(s) read, 0 applied, 0 refused']);
    // Polled a moment ago, CALI_POLL = 1 minute: nothing is due yet.
    expect((await runCalendarPollTick(w.t.ctx, boss)).queued).toBe(0);
    // Run-now makes one due at the next tick.
    await requestCalendarRun(w.t.ctx, ADMIN, sam);
    expect((await runCalendarPollTick(w.t.ctx, boss)).queued).toBe(1);
  });

  it('holds every calendar when inbound appointments are switched off', async () => {
    await setParameter(w.t.ctx, ADMIN, 'APPTIN_OUTLOOK365', 'N');
    const r = await runCalendarPollTick(w.t.ctx, boss, { force: true });
    expect(r.queued).toBe(0);
    expect(r.held).toMatch(/APPTIN_OUTLOOK365 is N/);
    await setParameter(w.t.ctx, ADMIN, 'APPTIN_OUTLOOK365', 'Y');
  });

  it('never runs one calendar twice at once', async () => {
    const settings = await inboundCalendarSettings(w.t.ctx);
    // A gateway whose delta answers slowly, so the three runs surely overlap.
    const slow = {
      ...w.gateway.calendar,
      async *calendarViewDelta(...args: Parameters<typeof w.gateway.calendar.calendarViewDelta>) {
        await new Promise((r) => setTimeout(r, 500));
        yield* w.gateway.calendar.calendarViewDelta(...args);
      },
    };
    const runs = await Promise.all([0, 1, 2].map(() => syncCalendar(w.t.ctx, sam, { gateway: slow, settings })));
    expect(runs.filter((r) => !r.skipped)).toHaveLength(1);
    expect(runs.filter((r) => r.skipped).map((r) => r.skipped)).toEqual(['another run of this calendar is in progress', 'another run of this calendar is in progress']);
    expect(runs.find((r) => !r.skipped)!.error).toBeUndefined();
  });

  it('gives up a run that hangs at its deadline, records why, and keeps the calendar for it until its lease lapses', async () => {
    const settings = await inboundCalendarSettings(w.t.ctx);
    const alex = demoMailboxes.officers[1];
    // A Graph call that never answers.
    const hung = {
      ...w.gateway.calendar,
      // eslint-disable-next-line require-yield
      async *calendarViewDelta(): ReturnType<typeof w.gateway.calendar.calendarViewDelta> {
        await new Promise(() => {});
      },
    };
    const r = await syncCalendar(w.t.ctx, alex, { gateway: hung, settings, deadlineMs: 300, leaseMs: 2_000 });
    expect(r.error).toMatch(/^timed out: the run did not finish within 0 s/);
    const state = (await calendarPollStatus(w.t.ctx)).calendars.find((c) => c.calendar === alex)!.state!;
    expect(state.lastError).toMatch(/timed out/);
    // The hung run still holds the lease: no second run beside it …
    expect((await syncCalendar(w.t.ctx, alex, { gateway: w.gateway.calendar, settings })).skipped).toBe('another run of this calendar is in progress');
    // … until the lease lapses (the clock moved past it, not waited for); then a run goes ahead.
    const later = { ...w.t.ctx, now: () => new Date(Date.now() + 2_200) };
    const next = await syncCalendar(later, alex, { gateway: w.gateway.calendar, settings });
    expect(next.skipped).toBeUndefined();
    expect(next.error).toBeUndefined();
  });

  it('a job that finds its calendar busy queues itself again for later', async () => {
    const settings = await inboundCalendarSettings(w.t.ctx);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const slow = {
      ...w.gateway.calendar,
      async *calendarViewDelta(...args: Parameters<typeof w.gateway.calendar.calendarViewDelta>) {
        await held;
        yield* w.gateway.calendar.calendarViewDelta(...args);
      },
    };
    // Earlier tests' jobs for this calendar have finished (the queue takes one job per calendar at a time).
    await until(async () => {
      const r = await sql<{ n: number }>`SELECT count(*)::int AS n FROM pgboss.job WHERE name = ${CALENDAR_SYNC_QUEUE} AND singleton_key = ${sam} AND state IN ('created', 'retry', 'active')`.execute(w.t.ctx.db);
      return r.rows[0].n === 0;
    });
    const running = syncCalendar(w.t.ctx, sam, { gateway: slow, settings });
    await until(async () => (await calendarPollStatus(w.t.ctx)).calendars.find((c) => c.calendar === sam)?.state?.running);
    expect(await queueSync(boss, 'calendar', sam)).toBeTruthy();
    const again = await until(async () => {
      const r = await sql<{ later: boolean }>`SELECT start_after >= created_on + interval '0.9 seconds' AS later FROM pgboss.job
        WHERE name = ${CALENDAR_SYNC_QUEUE} AND singleton_key = ${sam} AND state = 'created'`.execute(w.t.ctx.db);
      return r.rows.find((x) => x.later);
    });
    expect(again.later).toBe(true);
    release();
    expect((await running).error).toBeUndefined();
  });
});
