/**
 * P1 — Graph requests per ingested email at steady state, and per idle poll of 50 inboxes, beside a
 * naive poller ("list the 25 most recent messages, GET each") over the same mailboxes.
 *
 *   npx tsx bench/p1-graph-requests.ts [--inboxes 50] [--emails-per-inbox 4]
 *
 * Bounds (bench/README.md, P1): idle poll ≤ 1.0 request per inbox; steady state ≤ 3.0 requests per
 * ingested email. Exits non-zero when a bound is missed or an email is missing or duplicated.
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { openBenchWorld } from './lib/world.ts';
import { sql } from 'kysely';
import { setParameter } from '../src/app/parameters.ts';
import { addFrv } from '../src/app/frvs.ts';
import { configuredInboxes } from '../src/app/inbound/poll-inboxes.ts';
import { syncInbox } from '../src/app/inbound/sync-inbox.ts';

const BOUND_IDLE = 1.0;
const BOUND_PER_EMAIL = 3.0;
const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const inboxCount = Number(arg('inboxes', '50'));
const perInbox = Number(arg('emails-per-inbox', '4'));
const domain = 'housingorganisation.co.uk';

const world = await openBenchWorld('p1', { poolSize: 12 });
const { db, ctx, actor, emu, gateway } = world;
for (const [k, v] of [['INBOX_SERVER', domain], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y'], ['EMI_POLL', '1']]) await setParameter(ctx, actor, k, v);
const codes = Array.from({ length: inboxCount }, (_, i) => `P1BOX${i + 1}`);
for (const code of codes) {
  await emu('POST', '/users', { userPrincipalName: `${code.toLowerCase()}@${domain}`, displayName: code });
  await addFrv(ctx, actor, { domain: 'EXCHANGE_INBOX', code, description: code });
}
const inboxes = (await configuredInboxes(ctx)).inboxes.filter((i) => codes.includes(i.code));
const syncAll = async () => {
  const r0 = gateway.stats.requests;
  const runs = [];
  for (let k = 0; k < inboxes.length; k += 10) runs.push(...(await Promise.all(inboxes.slice(k, k + 10).map((i) => syncInbox(ctx, i, { gateway: gateway.mail, pageSize: 50 })))));
  return { requests: gateway.stats.requests - r0, imported: runs.reduce((n, r) => n + r.imported, 0), failed: runs.filter((r) => !r.ok).length };
};
// Enable each inbox (first run), then a first idle poll so every inbox has its deltaLink.
await syncAll();
await syncAll();

// Idle poll: nothing new anywhere.
const idle = await syncAll();
// Steady state: a few new emails per inbox, then one poll.
const start = new Date(Date.now() + 1000).toISOString();
for (const i of inboxes) await emu('POST', `/users/${i.mailbox}/messages/bulk`, { count: perInbox, startDateTime: start });
const busy = await syncAll();

// The naive poller, over the same mailboxes: list the 25 most recent, GET each (no delta, no cursor).
const naive = async () => {
  const r0 = gateway.stats.requests;
  for (const i of inboxes) {
    const list = await gateway.transport.json<{ value: { id: string }[] }>({ method: 'GET', path: `/users/${i.mailbox}/mailFolders/inbox/messages?$top=25&$orderby=receivedDateTime desc&$select=id`, mailbox: i.mailbox });
    await Promise.all(list.body.value.map((m) => gateway.transport.json({ method: 'GET', path: `/users/${i.mailbox}/messages/${encodeURIComponent(m.id)}`, mailbox: i.mailbox })));
  }
  return gateway.stats.requests - r0;
};
const naiveBusy = await naive();

const dupes = (await sql<{ n: number }>`SELECT count(*)::int - count(DISTINCT (inbox, graph_id))::int AS n FROM inbound_emails`.execute(db)).rows[0].n;
const expected = inboxCount * perInbox;
const idlePer = idle.requests / inboxCount;
const perEmail = (busy.requests) / Math.max(1, busy.imported);
const naiveIdlePer = naiveBusy / inboxCount;
console.log(`\nP1 · ${inboxCount} inboxes, ${perInbox} new emails each at steady state · ${process.platform} ${process.arch}, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}\n`);
console.log('| poller | idle poll: requests / inbox | poll with new mail: requests / email |');
console.log('|---|---:|---:|');
console.log(`| housing365 (message delta, cursor per inbox) | ${idlePer.toFixed(2)} | ${perEmail.toFixed(2)} |`);
console.log(`| naive (list 25 recent + GET each, every poll) | ${naiveIdlePer.toFixed(2)} | ${(naiveBusy / Math.max(1, expected)).toFixed(2)} (and the same again on every idle poll) |`);
console.log(`\nimported ${busy.imported} of ${expected} · duplicates ${dupes} · failed runs ${idle.failed + busy.failed}`);
const ok = busy.imported === expected && dupes === 0 && idle.failed + busy.failed === 0 && idlePer <= BOUND_IDLE && perEmail <= BOUND_PER_EMAIL;
console.log(`P1 ${ok ? 'PASS' : 'FAIL'}: idle ${idlePer.toFixed(2)} ≤ ${BOUND_IDLE} requests/inbox, steady ${perEmail.toFixed(2)} ≤ ${BOUND_PER_EMAIL} requests/email`);

await world.close();
process.exit(ok ? 0 : 1);
