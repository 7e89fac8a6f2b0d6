// Real time in the demo (issue 18 §4): the system as `npm start` builds it (startSystem, web + jobs,
// demo mode, no PUBLIC_BASE_URL) subscribes its inboxes and calendars with the embedded emulator at its
// own loopback webhook, so a new email becomes a task and an owner's move in Outlook reaches the
// booking through change notifications. EMI_POLL and CALI_POLL are set to ten hours after the first
// runs, so no poll can explain what happens; the subscriptions' notification counts prove the trigger.
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fetch } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase } from '../helpers/db.ts';
import { until } from '../helpers/until.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';
import { startSystem, type RunningSystem } from '../../src/runtime.ts';
import { createDispatcher } from '../../src/adapters/graph/index.ts';
import { demoMailboxes } from '../../src/adapters/graph/demo-tenant.ts';
import { bookAppointment } from '../../src/app/appointments/book-appointment.ts';
import { getBooking } from '../../src/app/appointments/bookings.ts';
import { listSubscriptions } from '../../src/app/notifications/subscriptions.ts';
import { setParameter } from '../../src/app/parameters.ts';
import { bookingMarker } from '../../src/domain/appointments/event.ts';
import { DateTime } from 'luxon';

let database: Awaited<ReturnType<typeof createTestDatabase>>;
let dataDir: string;
let system: RunningSystem;
let emulator: { admin: string; dispatcher: ReturnType<typeof createDispatcher> };
const sam = demoMailboxes.officers[0];
const WAIT_MS = 120_000;

async function admin(method: string, p: string, body?: unknown): Promise<any> {
  const res = await fetch(`${emulator.admin}${p}`, { method, headers: body ? { 'content-type': 'application/json' } : {}, body: body ? JSON.stringify(body) : undefined, dispatcher: emulator.dispatcher });
  const text = await res.text();
  if (res.status >= 300) throw new Error(`${method} ${p} → ${res.status} ${text}`);
  return text ? JSON.parse(text) : undefined;
}
const subscription = async (target: string) => (await listSubscriptions(system.ctx)).find((s) => s.target === target);

beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-demo-realtime-'));
  const env: NodeJS.ProcessEnv = { DATABASE_URL: database.url, HOUSING365_DATA_DIR: dataDir, PORT: '0', HOUSING365_ADMIN_PASSWORD: 'realtime-test-password-1', LOG_LEVEL: 'warn' };
  const config = parseConfig(env);
  expect(config.demoMode).toBe(true);
  expect(config.publicBaseUrl).toBeUndefined();
  system = await startSystem(config, createLogger({ level: 'warn', pretty: false }), () => {});
  const endpoints = JSON.parse(await fs.readFile(path.join(dataDir, 'emulator', 'endpoints.json'), 'utf8')) as { origin: string; caCertPem: string };
  emulator = { admin: `${endpoints.origin}/_emulator`, dispatcher: createDispatcher(endpoints.caCertPem) };
}, 180_000);

afterAll(async () => {
  await system?.stop();
  await database?.drop();
  if (dataDir) await fs.rm(dataDir, { recursive: true, force: true });
});

describe('demo mode without PUBLIC_BASE_URL', { timeout: 300_000 }, () => {
  it('subscribes at the local webhook, and notified mail and Outlook moves arrive without a poll', async () => {
    const ctx = system.ctx;
    // Subscribed right after listen, at the loopback address of this very server.
    await until(async () => (await listSubscriptions(ctx)).filter((s) => s.status === 'active').length >= 3, WAIT_MS);
    const port = new URL(system.url).port;
    const graphs = (await admin('GET', '/subscriptions')).value as { notificationUrl: string; resource: string }[];
    expect(graphs.length).toBeGreaterThanOrEqual(3);
    expect(graphs.every((g) => g.notificationUrl === `http://127.0.0.1:${port}/webhooks/graph`)).toBe(true);
    expect(graphs.map((g) => g.resource)).toContain(`users/${sam}/events`);

    // The first runs (start-up polls) are done; from now on polls are ten hours apart.
    await until(async () => Number((await ctx.db.selectFrom('inbox_runs').select((eb) => eb.fn.countAll().as('n')).where('inbox', '=', 'ASB').executeTakeFirstOrThrow()).n) > 0, WAIT_MS);
    await setParameter(ctx, { username: 'test' }, 'EMI_POLL', '600');
    await setParameter(ctx, { username: 'test' }, 'CALI_POLL', '600');

    // A new email in the demo inbox becomes a task.
    const asbBefore = (await subscription('ASB'))!.notifications;
    await admin('POST', `/users/${demoMailboxes.asb}/messages`, { subject: 'Noise from number 12, notified', body: { contentType: 'text', content: 'Loud music every night.' }, from: { emailAddress: { address: 'tenant@example.org' } } });
    await until(() => ctx.db.selectFrom('inbound_emails').select('id').where('subject', '=', 'Noise from number 12, notified').executeTakeFirst(), WAIT_MS);
    await until(() => ctx.db.selectFrom('tm_tasks').select('id').where('title', 'like', '%Noise from number 12, notified%').executeTakeFirst(), WAIT_MS);
    expect((await subscription('ASB'))!.notifications).toBeGreaterThan(asbBefore);

    // A booking pushed to Sam's calendar, moved by Sam in Outlook, reaches the booking.
    // The demo diaries have Mon–Fri slots: next week's Tuesday, moved to its Wednesday.
    const tuesday = DateTime.now().setZone('Europe/London').startOf('week').plus({ weeks: 1, days: 1 });
    const when = (days: number, hhmm: string) => DateTime.fromISO(`${tuesday.plus({ days }).toISODate()}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();
    const b = await bookAppointment(ctx, { username: 'admin' }, { diaryCode: 'RENTS', start: when(0, '10:00'), who: 'T' });
    const event = await until(async () => ((await admin('GET', `/users/${sam}/events`)).value as { id: string; singleValueExtendedProperties?: { value: string }[] }[])
      .find((e) => e.singleValueExtendedProperties?.some((p) => p.value === bookingMarker(b.ref))), WAIT_MS);
    const calBefore = (await subscription(sam))!.notifications;
    const to = when(1, '14:00');
    await admin('POST', `/users/${sam}/events/${event.id}/move`, { startDateTime: to.toISOString() });
    await until(async () => (await getBooking(ctx, { ref: b.ref })).startsAt.toISOString() === to.toISOString(), WAIT_MS);
    expect((await subscription(sam))!.notifications).toBeGreaterThan(calBefore);
  });
});
