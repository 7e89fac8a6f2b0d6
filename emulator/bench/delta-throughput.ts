/**
 * Messages per second served through message delta pages.
 *
 *   npx tsx bench/delta-throughput.ts [--messages 20000] [--mailboxes 4]
 *
 * The emulator runs in its own process (the CLI, as benchmarks of housing365 use it); this process
 * is the client: Node's fetch over HTTPS with keep-alive, one app token, following nextLinks to the
 * deltaLink the way a sync loop does. Figures go to stdout as a Markdown table.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent } from 'undici';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const messages = arg('messages', 20_000);
const mailboxes = arg('mailboxes', 4);

const here = dirname(fileURLToPath(import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'graph-emulator-bench-'));
const domain = 'bench.example';
const seed = {
  tenant: { domain },
  users: Array.from({ length: mailboxes }, (_, i) => ({ userPrincipalName: `mailbox${i + 1}@${domain}` })),
  apps: [{ clientId: 'bench-app', clientSecret: 'bench-secret', roles: ['Mail.ReadWrite'] }],
};
writeFileSync(join(work, 'seed.json'), JSON.stringify(seed));

const child = spawn(process.execPath, [resolve(here, '../bin/graph-emulator.js'), '--seed', join(work, 'seed.json'), '--port', '0', '--smtp-port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
const ready: { graphBaseUrl: string; authority: string; caCertPath: string } = await new Promise((r, j) => {
  let out = '';
  child.stdout!.on('data', (d) => {
    out += d;
    if (out.includes('\n')) r(JSON.parse(out.slice(0, out.indexOf('\n'))));
  });
  child.on('exit', (c) => j(new Error(`emulator exited ${c}`)));
});
const origin = ready.graphBaseUrl.replace('/v1.0', '');
const dispatcher = new Agent({ connect: { ca: readFileSync(ready.caCertPath, 'utf8') }, connections: 16, pipelining: 1 });
const f = (url: string, init: RequestInit = {}) => fetch(url, { ...init, dispatcher } as RequestInit);

async function admin(path: string, body: unknown): Promise<void> {
  const res = await f(`${origin}/_emulator${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status >= 300) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  await res.arrayBuffer();
}

const tokenRes = await f(`${ready.authority}/oauth2/v2.0/token`, { method: 'POST', body: new URLSearchParams({ grant_type: 'client_credentials', client_id: 'bench-app', client_secret: 'bench-secret', scope: 'https://graph.microsoft.com/.default' }) });
const { access_token: token } = (await tokenRes.json()) as { access_token: string };
// the benchmark measures delta, not throttling
await admin('/throttle', { requestsPerWindow: 1e9 });

const loadStart = performance.now();
for (let m = 1; m <= mailboxes; m++) {
  for (let done = 0; done < messages; done += 5000) await admin(`/users/mailbox${m}@${domain}/messages/bulk`, { count: Math.min(5000, messages - done) });
}
const loadMs = performance.now() - loadStart;

async function sync(url: string, pageSize: number): Promise<{ items: number; pages: number; bytes: number; deltaLink: string }> {
  let next = url;
  let items = 0, pages = 0, bytes = 0;
  for (;;) {
    const res = await f(next, { headers: { authorization: `Bearer ${token}`, prefer: `odata.maxpagesize=${pageSize}` } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${res.status} ${text}`);
    bytes += text.length;
    const page = JSON.parse(text);
    pages++;
    items += page.value.length;
    if (page['@odata.deltaLink']) return { items, pages, bytes, deltaLink: page['@odata.deltaLink'] };
    next = page['@odata.nextLink'];
  }
}

const rows: string[] = [];
const row = (what: string, r: { items: number; pages: number; bytes: number }, ms: number) =>
  rows.push(`| ${what} | ${r.items.toLocaleString('en-GB')} | ${r.pages.toLocaleString('en-GB')} | ${Math.round(ms).toLocaleString('en-GB')} | **${Math.round((r.items / ms) * 1000).toLocaleString('en-GB')}** | ${Math.round(r.bytes / r.items)} |`);

const inbox = (m: number) => `${ready.graphBaseUrl}/users/mailbox${m}@${domain}/mailFolders/inbox/messages/delta`;
let deltaLink = '';
for (const [label, size, select] of [
  ['full sync, 1 mailbox, default properties, maxpagesize=10 (Graph default)', 10, ''],
  ['full sync, 1 mailbox, default properties, maxpagesize=100', 100, ''],
  ['full sync, 1 mailbox, $select=subject,from,receivedDateTime,isRead, maxpagesize=100', 100, '?$select=subject,from,receivedDateTime,isRead'],
] as const) {
  const t = performance.now();
  const r = await sync(inbox(1) + select, size);
  row(label, r, performance.now() - t);
  deltaLink = r.deltaLink;
}
{
  // incremental round after changes: mark 1,000 read through Graph, then one delta round
  const list = await (await f(`${ready.graphBaseUrl}/users/mailbox1@${domain}/mailFolders/inbox/messages?$top=1000&$select=id`, { headers: { authorization: `Bearer ${token}` } })).json() as { value: { id: string }[] };
  for (const m of list.value) {
    const res = await f(`${ready.graphBaseUrl}/users/mailbox1@${domain}/messages/${m.id}`, { method: 'PATCH', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{"isRead":true}' });
    await res.arrayBuffer();
  }
  const t = performance.now();
  const r = await sync(deltaLink, 100);
  row('incremental round: 1,000 changed of the mailbox, maxpagesize=100', r, performance.now() - t);
}
{
  const t = performance.now();
  const rs = await Promise.all(Array.from({ length: mailboxes }, (_, i) => sync(inbox(i + 1), 100)));
  const total = rs.reduce((a, r) => ({ items: a.items + r.items, pages: a.pages + r.pages, bytes: a.bytes + r.bytes }), { items: 0, pages: 0, bytes: 0 });
  row(`full sync, ${mailboxes} mailboxes in parallel, maxpagesize=100`, total, performance.now() - t);
}

console.log(`Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Node ${process.version}; ${messages.toLocaleString('en-GB')} messages per mailbox (loaded in ${Math.round(loadMs)} ms).\n`);
console.log('| run | messages | pages | ms | messages/s | bytes/message |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const r of rows) console.log(r);

await dispatcher.close();
child.kill('SIGTERM');
await new Promise((r) => child.once('exit', r));
rmSync(work, { recursive: true, force: true });
