/**
 * Outbound email throughput: 1,000 emails (rendered from the APPT_CONFIRM template) queued in the
 * outbox, then sent from EMO_EMAILADDR through the Graph emulator with 50 ms of latency injected on
 * every Graph request.
 *
 *   npx tsx bench/outbound-email.ts [--emails 1000] [--latency 50] [--concurrency 8] [--per-minute 100000]
 *
 * Exchange allows 30 messages a minute per mailbox; the worker respects that by default. To measure
 * the machinery rather than that limit, the bench lifts it (--per-minute). PostgreSQL: DATABASE_URL
 * when set, else an embedded server in a temporary directory. Prints a Markdown table and exits
 * non-zero unless every email arrived exactly once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { fetch } from 'undici';
import { startEmulator } from '../emulator/src/index.ts';
import { createDispatcher, createGraphGateway } from '../src/adapters/graph/index.ts';
import { demoApp, demoMailboxes, demoSeed } from '../src/adapters/graph/demo-tenant.ts';
import { createDb, migrateToLatest } from '../src/adapters/db/database.ts';
import { openEmbedded } from '../src/adapters/db/embedded.ts';
import { parseConfig } from '../src/config.ts';
import { createLogger } from '../src/logger.ts';
import type { AppContext } from '../src/app/context.ts';
import { generateLicenceKeyPair, issueLicence } from '../src/domain/licence/licence.ts';
import { installLicence } from '../src/app/licence.ts';
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

const work = mkdtempSync(join(tmpdir(), 'h365-bench-'));
const embedded = process.env.DATABASE_URL ? undefined : await openEmbedded(join(work, 'var'), { own: true });
const serverUrl = process.env.DATABASE_URL ?? embedded!.superuserUrl;
const dbName = `h365_bench_${Date.now()}`;
const admin = new pg.Client({ connectionString: serverUrl });
await admin.connect();
await admin.query(`create database ${dbName}`);
await admin.end();
const url = new URL(serverUrl);
url.pathname = `/${dbName}`;
const { db } = createDb(url.toString(), { poolSize: 10 });
await migrateToLatest(db);

const emulator = await startEmulator({ seed: demoSeed(), smtpPort: false, quiet: true });
const gateway = createGraphGateway({ tenantId: emulator.tenantId, clientId: demoApp.clientId, clientSecret: demoApp.clientSecret, authorityHost: emulator.origin, graphBaseUrl: emulator.graphBaseUrl, caPem: emulator.caCertPem });
const dispatcher = createDispatcher(emulator.caCertPem);
await fetch(`${emulator.adminUrl}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' }), dispatcher });

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

await gateway.close();
await dispatcher?.close();
await emulator.stop();
await db.destroy();
await embedded?.stop();
rmSync(work, { recursive: true, force: true });
process.exit(duplicates || missing || sent !== emails ? 1 : 0);
