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
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openChildContext, type ChildWorld } from './lib/child-context.ts';
import { answerParent, mb, measurePeak, MiB, pdfPieces, peakAboveBaseline, printPeakTable, reportChecks, runMeasuredChild, type MemoryPeak } from './lib/memory-probe.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};

interface ChildInput extends ChildWorld {
  inbox: { code: string; mailbox: string };
}

interface ChildResult extends MemoryPeak {
  imported: number;
  parked: number;
  ok: boolean;
  error?: string;
  graphRequests: number;
}

if (process.argv.includes('--child')) await child();
else await parent();

// ─────────────────────────────────────────────────────────────── child ──

async function child(): Promise<void> {
  const input = JSON.parse(process.env.P5_CHILD!) as ChildInput;
  const { syncInbox } = await import('../src/app/inbound/sync-inbox.ts');
  const { loadInboundPolicy, blobStoreOf } = await import('../src/app/inbound/policy.ts');
  const { gateway, ctx, close } = await openChildContext(input);

  // Warm up everything the run touches but the attachment: token, TLS connection, pool, policy, blob dir.
  await gateway.tokens.token();
  await gateway.directory.findUser(input.inbox.mailbox);
  await loadInboundPolicy(ctx);
  await blobStoreOf(ctx).has('0'.repeat(64));
  const { peak, value: run } = await measurePeak(() => syncInbox(ctx, input.inbox, { gateway: gateway.mail, requestCount: () => gateway.stats.requests }));
  const result: ChildResult = { ...peak, imported: run.imported, parked: run.parked, ok: run.ok, error: run.error, graphRequests: run.graphRequests };
  await close();
  answerParent(result);
}

// ────────────────────────────────────────────────────────────── parent ──

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
  let exitCode: number;
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
      for (const p of pdfPieces(sizeBytes, 5)) {
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
    const r = await runMeasuredChild<ChildResult>(fileURLToPath(import.meta.url), input);

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

    const over = peakAboveBaseline(r);
    const date = new Date().toISOString().slice(0, 10);
    console.log(`\nP5 · one message with a ${mb(sizeBytes)} MiB PDF attachment, inbox sync in a child process · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${process.platform} ${process.arch}, Node ${process.version}, ${date}\n`);
    printPeakTable(r, 'sync');
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
    exitCode = reportChecks('P5', checks);
  } finally {
    await world.close();
  }
  process.exit(exitCode);
}
