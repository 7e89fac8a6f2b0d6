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
import { openBenchWorld } from './lib/world.ts';
import { calendarOwners, setUpCalendars } from './lib/calendars.ts';
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

const w = await openBenchWorld('calendar-poll', { poolSize: 20, users: calendarOwners(nCalendars) });
const { ctx, gateway } = w;
const { owners, refs, at } = await setUpCalendars(w, nCalendars);
await w.emu('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });

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
  const ev = ((await w.emu('GET', `/users/${owners[i]}/events`)) as { value: Array<{ id: string }> }).value[0];
  await w.emu('POST', `/users/${owners[i]}/events/${ev.id}/move`, { startDateTime: at('11:00').toISOString() });
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

await w.close();
const echoes = [first, second, fourth].reduce((n, r) => n + r.moved + r.cancelled + r.refused + r.errors, 0);
process.exit(echoes || third.moved !== nMoves || movedOk !== nMoves ? 1 : 0);
