/**
 * P5 — peak RSS while ingesting a message with a 150 MB attachment.
 *
 *   npx tsx bench/p5-large-attachment.ts [--mb 150] [--bound-mb 64]
 *
 * The parent process holds the database set-up and the Graph emulator (so neither counts): it
 * streams a 150 MiB PDF (a real `%PDF-1.7` header, AES-CTR filler, `%%EOF`) into the emulator's
 * content store through its admin API, delivers one message carrying it into a shared inbox, and
 * starts a child process. The child — the one measured — builds its own application context and
 * Graph client, warms them up, takes its baseline RSS, resets the kernel's peak (`clear_refs` 5), then
 * runs the inbox sync (message delta → message → attachment list without contentBytes → `$value`
 * streamed into the blob store while hashing and sniffing the head). It samples
 * `process.memoryUsage().rss` every 5 ms and reads VmHWM from /proc/self/status at the end.
 *
 * Exits non-zero when the peak above baseline exceeds the bound (bench/README.md, P5), when the stored
 * blob's size or SHA-256 differ from what was sent, when the email or its task is not stored exactly
 * once, or when the emulator served any of the attachment as base64 contentBytes.
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { spawn } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const MiB = 1024 * 1024;

interface ChildInput {
  databaseUrl: string;
  dataDir: string;
  emulator: { tenantId: string; origin: string; graphBaseUrl: string; caPem: string };
  clientId: string;
  clientSecret: string;
  inbox: { code: string; mailbox: string };
}

interface ChildResult {
  baselineRss: number;
  peakRssSampled: number;
  samples: number;
  vmHwmAtStart: number;
  vmHwm: number;
  peakResetOk: boolean;
  peakExternal: number;
  peakHeapUsed: number;
  seconds: number;
  imported: number;
  parked: number;
  ok: boolean;
  error?: string;
  graphRequests: number;
}

/** VmHWM / VmRSS from /proc/self/status, in bytes. */
function procStatus(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

if (process.argv.includes('--child')) await child();
else await parent();

// ─────────────────────────────────────────────────────────────── child ──

async function child(): Promise<void> {
  const input = JSON.parse(process.env.P5_CHILD!) as ChildInput;
  const { createDb } = await import('../src/adapters/db/database.ts');
  const { createGraphGateway } = await import('../src/adapters/graph/index.ts');
  const { parseConfig } = await import('../src/config.ts');
  const { createLogger } = await import('../src/logger.ts');
  const { syncInbox } = await import('../src/app/inbound/sync-inbox.ts');
  const { loadInboundPolicy, blobStoreOf } = await import('../src/app/inbound/policy.ts');
  const { db } = createDb(input.databaseUrl, { poolSize: 4 });
  const gateway = createGraphGateway({ tenantId: input.emulator.tenantId, clientId: input.clientId, clientSecret: input.clientSecret, authorityHost: input.emulator.origin, graphBaseUrl: input.emulator.graphBaseUrl, caPem: input.emulator.caPem });
  const ctx = {
    db,
    config: { ...parseConfig({ HOUSING365_DATA_DIR: input.dataDir }), databaseUrl: input.databaseUrl },
    logger: createLogger({ level: 'silent', pretty: false }),
    licencePublicKeys: [],
    now: () => new Date(),
    graph: gateway,
  } as unknown as import('../src/app/context.ts').AppContext;

  // Warm up everything the run touches but the attachment: token, TLS connection, pool, policy, blob dir.
  await gateway.tokens.token();
  await gateway.directory.findUser(input.inbox.mailbox);
  await loadInboundPolicy(ctx);
  await blobStoreOf(ctx).has('0'.repeat(64));
  await new Promise((r) => setTimeout(r, 200));
  const rssNow: number[] = [];
  for (let i = 0; i < 5; i++) {
    rssNow.push(process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 20));
  }
  const baselineRss = rssNow.sort((a, b) => a - b)[2];
  // Reset the kernel's high-water mark so VmHWM is the peak of the sync alone (Linux ≥ 4.0).
  let peakResetOk = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    peakResetOk = false;
  }
  const vmHwmAtStart = procStatus('VmHWM');

  let peakRssSampled = 0;
  let peakExternal = 0;
  let peakHeapUsed = 0;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRssSampled) peakRssSampled = m.rss;
    if (m.external > peakExternal) peakExternal = m.external;
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  const run = await syncInbox(ctx, input.inbox, { gateway: gateway.mail, requestCount: () => gateway.stats.requests });
  const seconds = (performance.now() - t0) / 1000;
  clearInterval(timer);
  sample();
  const result: ChildResult = {
    baselineRss,
    peakRssSampled,
    samples,
    vmHwmAtStart,
    vmHwm: procStatus('VmHWM'),
    peakResetOk,
    peakExternal,
    peakHeapUsed,
    seconds,
    imported: run.imported,
    parked: run.parked,
    ok: run.ok,
    error: run.error,
    graphRequests: run.graphRequests,
  };
  await gateway.close();
  await db.destroy();
  process.stdout.write(`P5RESULT ${JSON.stringify(result)}\n`);
}

// ────────────────────────────────────────────────────────────── parent ──

/** The attachment: a PDF header, deterministic incompressible filler (AES-128-CTR of zeros), `%%EOF`. */
function* pdfPieces(size: number): Generator<Buffer> {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n', 'latin1');
  const tail = Buffer.from('\nendstream\n%%EOF\n', 'latin1');
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, 5), Buffer.alloc(16, 0));
  yield head;
  let left = size - head.length - tail.length;
  const zeros = Buffer.alloc(MiB);
  while (left > 0) {
    const n = Math.min(MiB, left);
    yield cipher.update(n === MiB ? zeros : zeros.subarray(0, n));
    left -= n;
  }
  yield tail;
}

async function parent(): Promise<void> {
  const sizeBytes = Math.round(Number(arg('mb', '150')) * MiB);
  const boundBytes = Number(arg('bound-mb', '64')) * MiB;
  const { openBenchWorld } = await import('./lib/world.ts');
  const { setParameter } = await import('../src/app/parameters.ts');
  const { addFrv } = await import('../src/app/frvs.ts');
  const { createTeam } = await import('../src/app/users.ts');
  const { createJobType, saveEventType } = await import('../src/app/tasks/setup.ts');
  const { listEventQueries, runEventQuery } = await import('../src/app/tasks/event-queries.ts');
  const { configuredInboxes } = await import('../src/app/inbound/poll-inboxes.ts');
  const { syncInbox } = await import('../src/app/inbound/sync-inbox.ts');
  const { createDispatcher } = await import('../src/adapters/graph/index.ts');
  const { demoApp } = await import('../src/adapters/graph/demo-tenant.ts');
  const { fetch } = await import('undici');

  const domain = 'housingorganisation.co.uk';
  const code = 'P5BOX';
  const world = await openBenchWorld('p5', { poolSize: 4 });
  const { db, ctx, actor, emu, gateway, emulator } = world;
  let exitCode = 1;
  try {
    for (const [k, v] of [['INBOX_SERVER', domain], ['OUTLOOK365', 'Y'], ['EMAILIN_OUTLOOK365', 'Y'], ['EMI_POLL', '1'], ['EMAIL_ATT_FILESIZE', '1']]) await setParameter(ctx, actor, k, v);
    await addFrv(ctx, actor, { domain: 'EMAIL_ATT_FILETYPE', code: 'PDF', description: 'PDF' });
    const team = await createTeam(ctx, actor, { code: 'P5', name: 'P5' });
    await emu('POST', '/users', { userPrincipalName: `${code.toLowerCase()}@${domain}`, displayName: code });
    await addFrv(ctx, actor, { domain: 'EXCHANGE_INBOX', code, description: code });
    const jt = await createJobType(ctx, actor, { code: `EMAIL_${code}`, name: code, defaultTeamId: team.id });
    await saveEventType(ctx, actor, { code: `EML_${code}`, description: code, jobTypeId: jt.id });
    const inbox = (await configuredInboxes(ctx)).inboxes.find((i) => i.code === code)!;
    // Enable the inbox (first run: only later mail is imported).
    await syncInbox(ctx, inbox, { gateway: gateway.mail });

    // The attachment, streamed into the emulator's content store (its state dir), hashed on the way.
    const sent = createHash('sha256');
    const dispatcher = createDispatcher(emulator.caCertPem)!;
    const body = Readable.from((function* () {
      for (const p of pdfPieces(sizeBytes)) {
        sent.update(p);
        yield p;
      }
    })());
    const up = await fetch(`${emulator.adminUrl}/attachments`, { method: 'POST', headers: { 'content-type': 'application/octet-stream' }, body, duplex: 'half', dispatcher });
    if (up.status !== 201) throw new Error(`upload: ${up.status} ${await up.text()}`);
    const stored = (await up.json()) as { contentFile: string; size: number; sha256: string };
    const sentSha = sent.digest('hex');
    if (stored.sha256 !== sentSha || stored.size !== sizeBytes) throw new Error('the emulator stored other bytes than were sent');
    await new Promise((r) => setTimeout(r, 1100)); // received after the inbox was enabled (whole seconds)
    await emu('POST', `/users/${inbox.mailbox}/messages`, {
      subject: 'Survey drawings (150 MB)',
      from: { emailAddress: { address: 'architect@example.org', name: 'Architect' } },
      body: { contentType: 'text', content: 'The full survey is attached.' },
      attachments: [{ '@odata.type': '#microsoft.graph.fileAttachment', name: 'survey-drawings.pdf', contentType: 'application/pdf', contentFile: stored.contentFile }],
    });
    await dispatcher.close();

    // The measured child.
    const input: ChildInput = {
      databaseUrl: world.databaseUrl,
      dataDir: world.work,
      emulator: { tenantId: emulator.tenantId, origin: emulator.origin, graphBaseUrl: emulator.graphBaseUrl, caPem: emulator.caCertPem },
      clientId: demoApp.clientId,
      clientSecret: demoApp.clientSecret,
      inbox,
    };
    const self = fileURLToPath(import.meta.url);
    const proc = spawn(process.execPath, ['--import', 'tsx', self, '--child'], { env: { ...process.env, P5_CHILD: JSON.stringify(input) }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (c) => (out += c));
    const code2 = await new Promise<number>((resolve) => proc.on('exit', (c) => resolve(c ?? 1)));
    const line = out.split('\n').find((l) => l.startsWith('P5RESULT '));
    if (code2 !== 0 || !line) throw new Error(`the child failed (exit ${code2}): ${out.slice(-2000)}`);
    const r = JSON.parse(line.slice('P5RESULT '.length)) as ChildResult;

    // Correctness: one email, one saved attachment with the sent bytes, one task.
    const emails = await db.selectFrom('inbound_emails').select(['id']).where('inbox', '=', code).execute();
    const atts = emails.length ? await db.selectFrom('inbound_attachments').selectAll().where('email_id', 'in', emails.map((e) => e.id)).execute() : [];
    const a = atts[0];
    let blobSha = '';
    if (a?.blob_sha256) {
      const h = createHash('sha256');
      for await (const c of createReadStream(path.join(world.work, 'blobs', a.blob_sha256.slice(0, 2), a.blob_sha256.slice(2, 4), a.blob_sha256))) h.update(c as Buffer);
      blobSha = h.digest('hex');
    }
    const q = (await listEventQueries(ctx))[0];
    for (;;) {
      const qr = await runEventQuery(ctx, q.id);
      if (!qr.ok) throw new Error(qr.error);
      if (qr.rows === 0) break;
    }
    const tasks = emails.length ? (await db.selectFrom('tm_tasks').select(['id']).where('email_id', 'in', emails.map((e) => e.id)).execute()).length : 0;
    const served = ((await (await fetch(`${emulator.adminUrl}/attachments`, { dispatcher: createDispatcher(emulator.caCertPem) })).json()) as { served: Record<string, { asContentBytes: number; asValue: number }> }).served;
    const asContentBytes = Object.values(served).reduce((n, s) => n + s.asContentBytes, 0);
    const asValue = Object.values(served).reduce((n, s) => n + s.asValue, 0);

    const over = Math.max(r.vmHwm, r.peakRssSampled) - r.baselineRss;
    const mb = (n: number) => (n / MiB).toFixed(1);
    const date = new Date().toISOString().slice(0, 10);
    console.log(`\nP5 · one message with a ${mb(sizeBytes)} MiB PDF attachment, inbox sync in a child process · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${process.platform} ${process.arch}, Node ${process.version}, ${date}\n`);
    console.log('| measure (child process) | MiB |');
    console.log('|---|---:|');
    console.log(`| baseline RSS before the sync (warmed up) | ${mb(r.baselineRss)} |`);
    console.log(`| peak RSS sampled every 5 ms (${r.samples} samples) | ${mb(r.peakRssSampled)} |`);
    console.log(`| VmHWM at the end${r.peakResetOk ? ' (reset before the sync)' : ' (could not reset: whole-life peak)'} | ${mb(r.vmHwm)} |`);
    console.log(`| **peak above baseline** (max of the two) | **${mb(over)}** |`);
    console.log(`| peak V8 heap used / external memory | ${mb(r.peakHeapUsed)} / ${mb(r.peakExternal)} |`);
    console.log(`| attachment size | ${mb(sizeBytes)} |`);
    console.log(`\nsync ${r.seconds.toFixed(1)} s (${(sizeBytes / MiB / r.seconds).toFixed(0)} MiB/s), ${r.graphRequests} Graph requests · imported ${r.imported} · parked ${r.parked}${r.error ? ` · error: ${r.error}` : ''}`);
    console.log(`emails ${emails.length} · attachments ${atts.length} (${a?.detected_type ?? '-'}, ${a?.size ?? '-'} bytes${a?.rejected_reason ? `, rejected: ${a.rejected_reason}` : ''}) · tasks ${tasks}`);
    console.log(`sha256 sent ${sentSha.slice(0, 16)}… · row ${(a?.blob_sha256 ?? '-').slice(0, 16)}… · blob file ${blobSha.slice(0, 16) || '-'}…`);
    console.log(`emulator served the attachment: ${mb(asValue)} MiB by $value, ${mb(asContentBytes)} MiB as base64 contentBytes`);
    const checks: [string, boolean][] = [
      [`peak above baseline ${mb(over)} ≤ ${mb(boundBytes)} MiB`, over <= boundBytes],
      ['sync ok, 1 imported, 0 parked', r.ok && r.imported === 1 && r.parked === 0],
      ['exactly one email and one task', emails.length === 1 && tasks === 1],
      ['one saved attachment of the sent size', atts.length === 1 && !a.rejected_reason && Number(a.size) === sizeBytes],
      ['stored sha256 (row and blob file) = sent', a?.blob_sha256 === sentSha && blobSha === sentSha],
      ['no contentBytes read of the attachment', asContentBytes === 0 && asValue === sizeBytes],
    ];
    for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
    const pass = checks.every(([, ok]) => ok);
    console.log(`P5 ${pass ? 'PASS' : 'FAIL'}`);
    exitCode = pass ? 0 : 1;
  } finally {
    await world.close();
  }
  process.exit(exitCode);
}
