/**
 * Inbound email throughput: 10,000 emails over 10 inboxes, read from the Graph emulator through
 * message delta (immutable ids), stored with the cursor in the same transaction, marked read, then
 * raised as tasks by the guide's event query — against the raw INSERT rate of the same rows measured
 * in the same run.
 *
 *   npx tsx bench/inbound-email.ts [--inboxes 10] [--per-inbox 1000] [--latency 0] [--after mark_read|leave]
 *
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory. The emulator
 * runs in this process. Prints a Markdown table. Exits non-zero if any email is missing or duplicated.
 */
import { openBenchWorld } from './lib/world.ts';
import { sql } from 'kysely';
import { setParameter } from '../src/app/parameters.ts';
import { addFrv } from '../src/app/frvs.ts';
import { createTeam } from '../src/app/users.ts';
import { createJobType, saveEventType } from '../src/app/tasks/setup.ts';
import { listEventQueries, runEventQuery } from '../src/app/tasks/event-queries.ts';
import { configuredInboxes } from '../src/app/inbound/poll-inboxes.ts';
import { setAfterImport } from '../src/app/inbound/poll-inboxes.ts';
import { syncInbox } from '../src/app/inbound/sync-inbox.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const inboxCount = Number(arg('inboxes', '10'));
const perInbox = Number(arg('per-inbox', '1000'));
const latency = Number(arg('latency', '0'));
const after = arg('after', 'mark_read') as 'mark_read' | 'leave';
const domain = 'housingorganisation.co.uk';

const world = await openBenchWorld('inbound', { poolSize: inboxCount + 6 });
const { db, ctx, actor, emu, gateway } = world;
if (latency > 0) await emu('POST', '/faults', { kind: 'latency', latencyMs: latency, routePattern: '/v1\\.0/' });
for (const [k, v] of [['INBOX_SERVER', domain], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y'], ['EMI_POLL', '1']]) await setParameter(ctx, actor, k, v);
const team = await createTeam(ctx, actor, { code: 'INBOUND', name: 'Inbound' });
const codes = Array.from({ length: inboxCount }, (_, i) => `BENCH${i + 1}`);
for (const code of codes) {
  await emu('POST', '/users', { userPrincipalName: `${code.toLowerCase()}@${domain}`, displayName: code });
  await addFrv(ctx, actor, { domain: 'EXCHANGE_INBOX', code, description: code });
  const jt = await createJobType(ctx, actor, { code: `EMAIL_${code}`, name: code, defaultTeamId: team.id });
  await saveEventType(ctx, actor, { code: `EML_${code}`, description: code, jobTypeId: jt.id });
}
const inboxes = (await configuredInboxes(ctx)).inboxes.filter((i) => codes.includes(i.code));
// Enable each inbox (first run: only later mail is imported), then load the mail.
for (const i of inboxes) {
  await syncInbox(ctx, i, { gateway: gateway.mail });
  await setAfterImport(ctx, actor, i.code, after);
}
const start = new Date(Date.now() + 60_000).toISOString();
for (const i of inboxes) await emu('POST', `/users/${i.mailbox}/messages/bulk`, { count: perInbox, startDateTime: start, bodyContent: 'Please could someone call me back about the repair. '.repeat(10) });

// 1. End to end: every inbox synced at once (one run per inbox), then the event query raises the tasks.
const requests0 = gateway.stats.requests;
let t0 = performance.now();
const runs = await Promise.all(inboxes.map((i) => syncInbox(ctx, i, { gateway: gateway.mail, pageSize: 50 })));
const syncSeconds = (performance.now() - t0) / 1000;
const requests = gateway.stats.requests - requests0;
const imported = runs.reduce((n, r) => n + r.imported, 0);
const failed = runs.filter((r) => !r.ok);
t0 = performance.now();
let tasks = 0;
const q = (await listEventQueries(ctx))[0];
for (;;) {
  const r = await runEventQuery(ctx, q.id);
  if (!r.ok) throw new Error(r.error);
  tasks += r.tasks;
  if (r.rows === 0) break;
}
const taskSeconds = (performance.now() - t0) / 1000;

// 2. The same rows by raw INSERT: one statement per row, committed every 50 rows (a delta page).
await sql`CREATE TABLE raw_emails (LIKE inbound_emails INCLUDING DEFAULTS)`.execute(db);
const rows = await db.selectFrom('inbound_emails').selectAll().orderBy('id').execute();
t0 = performance.now();
await Promise.all(
  Array.from({ length: inboxCount }, async (_, k) => {
    const mine = rows.filter((_r, j) => j % inboxCount === k);
    for (let p = 0; p < mine.length; p += 50) {
      await db.transaction().execute(async (trx) => {
        for (const r of mine.slice(p, p + 50)) {
          await sql`INSERT INTO raw_emails (id, inbox, mailbox, graph_id, internet_message_id, conversation_id, "references", from_address, from_name, to_recipients, cc_recipients, subject, received_at, body_text, body_html, importance, disposition)
            VALUES (${r.id}, ${r.inbox}, ${r.mailbox}, ${r.graph_id}, ${r.internet_message_id}, ${r.conversation_id}, ${r.references}, ${r.from_address}, ${r.from_name}, ${JSON.stringify(r.to_recipients)}, ${JSON.stringify(r.cc_recipients)}, ${r.subject}, ${r.received_at}, ${r.body_text}, ${r.body_html}, ${r.importance}, ${r.disposition})`.execute(trx);
        }
      });
    }
  }),
);
const rawSeconds = (performance.now() - t0) / 1000;

const dupes = (await sql<{ n: number }>`SELECT count(*)::int - count(DISTINCT (inbox, graph_id))::int AS n FROM inbound_emails`.execute(db)).rows[0].n;
const expected = inboxCount * perInbox;
console.log(`\n${inboxCount} inboxes × ${perInbox} emails, ${latency} ms Graph latency, after import: ${after}, delta pages of 50, ${process.platform} ${process.arch}, Node ${process.version}\n`);
console.log('| step | emails | seconds | emails/s | Graph requests | requests/email |');
console.log('|---|---:|---:|---:|---:|---:|');
console.log(`| sync (delta → stored, cursor per page${after === 'mark_read' ? ', marked read' : ''}) | ${imported} | ${syncSeconds.toFixed(1)} | ${(imported / syncSeconds).toFixed(0)} | ${requests} | ${(requests / imported).toFixed(2)} |`);
console.log(`| event query → tasks | ${tasks} | ${taskSeconds.toFixed(1)} | ${(tasks / taskSeconds).toFixed(0)} | 0 | 0 |`);
console.log(`| **end to end** | ${imported} | ${(syncSeconds + taskSeconds).toFixed(1)} | ${(imported / (syncSeconds + taskSeconds)).toFixed(0)} | ${requests} | ${(requests / imported).toFixed(2)} |`);
console.log(`| raw INSERT of the same rows (50 per commit, ${inboxCount} connections) | ${rows.length} | ${rawSeconds.toFixed(1)} | ${(rows.length / rawSeconds).toFixed(0)} | – | – |`);
console.log(`\nexpected ${expected} · stored ${imported} · tasks ${tasks} · duplicates ${dupes} · failed runs ${failed.length}${failed.length ? ` (${failed.map((f) => f.error).join('; ')})` : ''}`);

await world.close();
process.exit(imported !== expected || tasks !== expected || dupes || failed.length ? 1 : 0);
