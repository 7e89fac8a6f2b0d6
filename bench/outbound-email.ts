/**
 * Outbound email throughput: 1,000 emails (rendered from the APPT_CONFIRM template) queued in the
 * outbox, then sent from EMO_EMAILADDR through the Graph emulator with 50 ms of latency injected on
 * every Graph request.
 *
 *   npx tsx bench/outbound-email.ts [--emails 1000] [--latency 50] [--concurrency 8] [--per-minute 100000]
 *
 * Exchange allows 30 messages a minute per mailbox; the worker respects that by default. To measure
 * the machinery rather than that limit, the bench lifts it (--per-minute). The set-up is
 * bench/lib/world.ts (PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary
 * directory). Prints a Markdown table and exits
 * non-zero unless every email arrived exactly once.
 */
import { demoMailboxes } from '../src/adapters/graph/demo-tenant.ts';
import { openBenchWorld } from './lib/world.ts';
import { setParameter } from '../src/app/parameters.ts';
import { enqueueEmail } from '../src/app/email/enqueue.ts';
import { drainOutbox } from '../src/app/email/send-outbox.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const emails = arg('emails', 1000);
const latency = arg('latency', 50);
const concurrency = arg('concurrency', 8);
const perMinute = arg('per-minute', 100_000);

const world = await openBenchWorld('outbound-email', { poolSize: 10, features: ['OUTLOOK365'] });
const { db, ctx, actor, emu, gateway, emulator } = world;
await emu('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });

for (const [k, v] of [['INBOX_SERVER', 'housingorganisation.co.uk'], ['EMO_EMAILADDR', demoMailboxes.noreply], ['OUTLOOK365', 'Y'], ['EMAILOUT_OUTLOOK365', 'Y']]) await setParameter(ctx, actor, k, v);
await gateway.checkToken(); // the token is fetched once and cached: not part of the per-email cost

const recipients = [demoMailboxes.asb, demoMailboxes.complaints, ...demoMailboxes.officers];
const t0 = performance.now();
for (let i = 0; i < emails; i++) {
  await db.transaction().execute((trx) =>
    enqueueEmail(trx, actor, {
      template: 'APPT_CONFIRM',
      data: { tenant: { name: `Tenant ${i}` }, appointment: { reference: `BK-${i}`, date: 'Wednesday 2 December 2026', start: '09:30', end: '10:30', type: 'Gas safety check', location: `${i} High Street` } },
      to: [recipients[i % recipients.length]],
      source: 'bench',
    }),
  );
}
const enqueueSeconds = (performance.now() - t0) / 1000;

const r0 = gateway.stats.requests;
const t1 = performance.now();
let sent = 0;
for (;;) {
  const r = await drainOutbox(ctx, { perMinute, concurrency, batchSize: 50, maxRounds: 1000 });
  sent += r.sent;
  if (!r.sent && !r.failed) break;
}
const sendSeconds = (performance.now() - t1) / 1000;
const requests = gateway.stats.requests - r0;

// Exactly once: every BK-n subject arrived once, across the recipients' inboxes.
const counts = new Map<string, number>();
for (const u of Object.values(emulator.state.users)) {
  const inbox = Object.values(u.mailbox.folders).find((f) => f.wellKnownName === 'inbox')!;
  for (const m of Object.values(u.mailbox.messages)) if (m.folderId === inbox.id) counts.set(m.subject, (counts.get(m.subject) ?? 0) + 1);
}
const duplicates = [...counts.values()].filter((n) => n > 1).length;
const missing = emails - counts.size;

console.log(`| emails | latency | enqueue s | send s | emails/s (send) | Graph requests | requests/email | retries | duplicates | missing |`);
console.log(`|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|`);
console.log(`| ${emails} | ${latency} ms | ${enqueueSeconds.toFixed(1)} | ${sendSeconds.toFixed(1)} | ${(sent / sendSeconds).toFixed(1)} | ${requests} | ${(requests / emails).toFixed(2)} | ${gateway.stats.retries} | ${duplicates} | ${missing} |`);

await world.close();
process.exit(duplicates || missing || sent !== emails ? 1 : 0);
