/**
 * Inbound calendar poll: one full poll cycle over 1,000 Outlook calendars (1,000 diaries, one pushed
 * booking each) with 50 ms of latency injected on every Graph request, on one worker process.
 *
 *   npx tsx bench/calendar-poll.ts [--calendars 1000] [--latency 50] [--concurrency 16] [--moves 100]
 *
 * Phases: (1) the first cycle — a full calendarView delta sync of every calendar, reading back our
 * own 1,000 pushes; (2) the next cycle — delta, nothing changed; (3) the owners move `--moves`
 * events through the emulator's admin API, then a cycle applies them; (4) the pushes that follow
 * those moves are read back. Moves and cancels in phases 1, 2 and 4 must be 0 (exit code 1 if not).
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { DateTime } from 'luxon';
import { startEmulator } from '../emulator/src/index.ts';
import { createDispatcher, createGraphGateway } from '../src/adapters/graph/index.ts';
import { demoSeed, demoDomain, demoMailboxes, demoGraphSettings } from '../src/adapters/graph/demo-tenant.ts';
import { createDb, migrateToLatest } from '../src/adapters/db/database.ts';
import { openEmbedded } from '../src/adapters/db/embedded.ts';
import { parseConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { AppContext } from '../src/app/context.ts';
import { generateLicenceKeyPair, issueLicence } from '../src/domain/licence/licence.ts';
import { installLicence } from '../src/app/licence.ts';
import { setParameter } from '../src/app/parameters.ts';
import { addProductArea } from '../src/app/appointments/product-areas.ts';
import { addReason } from '../src/app/appointments/reasons.ts';
import { addPattern, createDiary, generateDiarySlots } from '../src/app/appointments/diaries.ts';
import { bookAppointment } from '../src/app/appointments/book-appointment.ts';
import { drainCalendarOutbox } from '../src/app/appointments/calendar-push.ts';
import { getBooking } from '../src/app/appointments/bookings.ts';
import { pollCalendars } from '../src/app/calendar-sync/poll-calendars.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const nCalendars = arg('calendars', 1000);
const latency = arg('latency', 50);
const concurrency = arg('concurrency', 16);
const nMoves = Math.min(arg('moves', 100), nCalendars);

const work = mkdtempSync(join(tmpdir(), 'h365-bench-'));
const embedded = process.env.DATABASE_URL ? undefined : await openEmbedded(join(work, 'var'), { own: true });
const serverUrl = process.env.DATABASE_URL ?? embedded!.url;
const dbName = `h365_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.end();
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const { db } = createDb(url.toString(), { poolSize: 20 });
await migrateToLatest(db);

const owners = Array.from({ length: nCalendars }, (_, i) => `officer${String(i + 1).padStart(4, '0')}@${demoDomain}`);
const seed = demoSeed();
const emulator = await startEmulator({ seed: { ...seed, users: [...seed.users, ...owners.map((u) => ({ userPrincipalName: u, displayName: u.split('@')[0] }))] }, smtpPort: false, quiet: true });
const gateway = createGraphGateway(demoGraphSettings(emulator));
const dispatcher = createDispatcher(emulator.caCertPem);
const adminApi = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${emulator.adminUrl}${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    // @ts-expect-error undici dispatcher on Node's fetch
    dispatcher,
  });
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
  return res.json().catch(() => undefined);
};

const pair = generateLicenceKeyPair();
const ctx: AppContext = {
  db,
  config: { ...parseConfig({ HOUSING365_DATA_DIR: work }), databaseUrl: url.toString() },
  logger: createLogger({ level: 'silent', pretty: false }),
  licencePublicKeys: [pair.publicKeyPem],
  now: () => new Date(),
  graph: gateway,
};
const actor = { username: 'bench' };
await installLicence(ctx, actor, issueLicence(pair.privateKeyPem, { customer: 'Bench', features: ['OUTLOOK365'], expiresAt: new Date(Date.now() + 86400_000) }));
await addProductArea(ctx, actor, { code: 'HOUSING', name: 'Housing' });
await addReason(ctx, actor, { code: 'OLMOVE', description: 'Moved in Outlook', kind: 'move', productAreas: ['HOUSING'] });
await addReason(ctx, actor, { code: 'OLCAN', description: 'Cancelled in Outlook', kind: 'cancel', productAreas: ['HOUSING'] });
for (const [k, v] of [
  ['INBOX_SERVER', demoDomain],
  ['OUTLOOK365', 'Y'],
  ['APPTOUT_OUTLOOK365', 'Y'],
  ['OUTLOOK365_TIMEZONE', 'GMT Standard Time'],
  ['EMO_EMAILADDR', demoMailboxes.noreply],
  ['CALI_POLL', '1'],
  ['APPT_OUTLOOK365_CANCEL_RSN', 'OLCAN'],
  ['APPT_OUTLOOK365_MOVE_RSN', 'OLMOVE'],
  ['OUTLOOK365_MOVE_VIOL_EMAIL', 'Please review the following issue for the attempted move of the following appointment in your outlook calendar:'],
  ['APPTIN_OUTLOOK365', 'Y'],
]) {
  await setParameter(ctx, actor, k, v);
}

const day = DateTime.now().setZone('Europe/London').plus({ days: 2 }).toISODate()!;
const at = (hhmm: string) => DateTime.fromISO(`${day}T${hhmm}`, { zone: 'Europe/London' }).toJSDate();
process.stderr.write(`setting up ${nCalendars} diaries and bookings …\n`);
const refs: number[] = [];
for (const [i, cal] of owners.entries()) {
  const code = `D${i + 1}`;
  await createDiary(ctx, actor, { code, name: `Diary ${i + 1}`, productAreaCode: 'HOUSING', externalCalendar: 'OUTLOOK365', calendarAddress: cal });
  await addPattern(ctx, actor, code, { weekdays: [1, 2, 3, 4, 5, 6, 7], startTime: '09:00', endTime: '13:00', slotMinutes: 60, units: 1, validFrom: day });
  await generateDiarySlots(ctx, actor, code, { from: day, days: 1 });
  refs.push((await bookAppointment(ctx, actor, { diaryCode: code, start: at('09:00'), who: `Tenant ${i}` })).ref);
}
process.stderr.write('pushing …\n');
for (let r = 0; r < 3; r++) await drainCalendarOutbox(ctx, { gateway: gateway.calendar, concurrency: 32, batch: 200 });
await adminApi('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });

interface Row { phase: string; calendars: number; seconds: number; requests: number; changes: number; moved: number; cancelled: number; refused: number; errors: number }
const rows: Row[] = [];
async function cycle(name: string): Promise<Row> {
  const r0 = gateway.stats.requests;
  const t0 = performance.now();
  const round = await pollCalendars(ctx, { gateway: gateway.calendar, force: true, concurrency });
  if (round.held) throw new Error(round.held);
  const sum = (k: 'moved' | 'cancelled' | 'refused' | 'error') => round.results.reduce((n, x) => n + (x.outcomes[k] ?? 0), 0);
  const row: Row = {
    phase: name,
    calendars: round.results.length,
    seconds: (performance.now() - t0) / 1000,
    requests: gateway.stats.requests - r0,
    changes: round.results.reduce((n, x) => n + x.changes, 0),
    moved: sum('moved'),
    cancelled: sum('cancelled'),
    refused: sum('refused'),
    errors: sum('error') + round.results.filter((x) => x.error).length,
  };
  rows.push(row);
  process.stderr.write(`${name}: ${row.seconds.toFixed(1)} s\n`);
  return row;
}

const first = await cycle(`1 · first cycle: full sync, our ${nCalendars} pushes read back`);
const second = await cycle('2 · next cycle: delta, nothing changed');
for (const [i, ref] of refs.slice(0, nMoves).entries()) {
  const ev = ((await adminApi('GET', `/users/${owners[i]}/events`)) as { value: Array<{ id: string }> }).value[0];
  await adminApi('POST', `/users/${owners[i]}/events/${ev.id}/move`, { startDateTime: at('11:00').toISOString() });
  void ref;
}
const third = await cycle(`3 · owners moved ${nMoves} events`);
await drainCalendarOutbox(ctx, { gateway: gateway.calendar, concurrency: 32, batch: 200 });
const fourth = await cycle('4 · the pushes after those moves read back');
const movedOk = (await Promise.all(refs.slice(0, nMoves).map((ref) => getBooking(ctx, { ref })))).filter((b) => b.startsAt.getTime() === at('11:00').getTime()).length;

console.log(`\n${nCalendars} calendars, ${latency} ms Graph latency, one worker, ${concurrency} calendars at a time (≤ 4 requests in flight per mailbox), ${process.platform} ${process.arch}, Node ${process.version}\n`);
console.log('| cycle | calendars | seconds | calendars/s | Graph requests | delta changes read | moved | cancelled | refused | errors |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(`| ${r.phase} | ${r.calendars} | ${r.seconds.toFixed(1)} | ${(r.calendars / r.seconds).toFixed(0)} | ${r.requests} | ${r.changes} | ${r.moved} | ${r.cancelled} | ${r.refused} | ${r.errors} |`);
}
console.log(`\nbookings moved to the owners' new time: ${movedOk} of ${nMoves}`);

await gateway.close();
await emulator.stop();
await db.destroy();
const drop = new pg.Client({ connectionString: serverUrl });
await drop.connect();
await drop.query(`drop database if exists ${dbName} with (force)`);
await drop.end();
await embedded?.stop();
rmSync(work, { recursive: true, force: true });
const echoes = [first, second, fourth].reduce((n, r) => n + r.moved + r.cancelled + r.refused + r.errors, 0);
process.exit(echoes || third.moved !== nMoves || movedOk !== nMoves ? 1 : 0);
