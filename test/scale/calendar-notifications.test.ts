// Change notifications for Outlook calendars, end to end against the emulator: each mapped calendar is
// subscribed (users/{calendar}/events), and the owner moving a booking's event in Outlook reaches the
// booking through the notification-triggered calendarView delta run — no poll tick runs here.
import type { FastifyInstance } from 'fastify';
import PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startInboundWorld, london, day, demoMailboxes, ADMIN, type InboundWorld } from '../calendar-sync/world.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { buildServer } from '../../src/transport/http/server.ts';
import { listSubscriptions, maintainSubscriptions } from '../../src/app/notifications/subscriptions.ts';
import { calendarPollJobs } from '../../src/transport/jobs/calendar-poll.ts';
import { subscriptionJobs } from '../../src/transport/jobs/subscriptions.ts';
import { until } from '../helpers/until.ts';

let w: InboundWorld;
let boss: PgBoss;
let app: FastifyInstance;
const sam = demoMailboxes.officers[0];


beforeAll(async () => {
  w = await startInboundWorld();
  const ctx = w.t.ctx;
  boss = new PgBoss({ connectionString: w.t.databaseUrl, schema: 'pgboss', max: 3, schedule: false });
  boss.on('error', () => {});
  await boss.start();
  ctx.boss = boss;
  app = await buildServer(ctx);
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  ctx.config.publicBaseUrl = `http://127.0.0.1:${new URL(address).port}`;
}, 180_000);
afterAll(async () => {
  await app?.close();
  await boss?.stop({ graceful: false, close: true });
  await w?.stop();
});

describe('calendar change notifications', () => {
  it('subscribes each mapped calendar, and an owner\'s move in Outlook reaches the booking without a poll', async () => {
    const b = await bookAppointment(w.t.ctx, ADMIN, { diaryCode: 'RENTS', start: london(day(7), '10:00'), who: 'T' });
    await w.push();
    await w.poll({ calendar: sam });
    expect(await maintainSubscriptions(w.t.ctx)).toMatchObject({ created: 2, failed: 0 });
    const subs = await listSubscriptions(w.t.ctx);
    expect(subs.map((s) => [s.kind, s.target, s.status, s.resource])).toContainEqual(['calendar', sam, 'active', `users/${sam}/events`]);
    await calendarPollJobs.register(boss, w.t.ctx);
    await subscriptionJobs.register(boss, w.t.ctx);

    const ev = w.eventOf(sam, b.ref)!;
    const to = london(day(8), '14:00');
    await w.owner('POST', `/users/${sam}/events/${ev.id}/move`, { startDateTime: to.toISOString() });
    await until(async () => (await getBooking(w.t.ctx, { ref: b.ref })).startsAt.toISOString() === to.toISOString());
    const after = (await listSubscriptions(w.t.ctx)).find((s) => s.target === sam)!;
    expect(after.notifications).toBeGreaterThan(0);
  });
});
