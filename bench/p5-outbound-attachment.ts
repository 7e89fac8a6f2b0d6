/**
 * P5 (outbound) — peak RSS while sending an email with a 100 MB attachment through the outbox.
 *
 *   npx tsx bench/p5-outbound-attachment.ts [--mb 100] [--bound-mb 64]
 *
 * The parent holds the database set-up and the Graph emulator (neither counts; the emulator runs with
 * its tenant limit raised to 150 MB), writes a 100 MiB PDF to a file and starts a child process — the
 * one measured. The child builds its own application context and Graph client, warms them up, takes
 * its baseline RSS, resets the kernel's peak (`clear_refs` 5), then does what `housing365 email send
 * --attach FILE` and the outbox worker do: streams the file into the blob store, queues the email
 * (the outbox row keeps the blob's SHA-256), and drains the outbox (draft → upload session, each
 * range read from the blob file just before its PUT → send). It samples RSS every 5 ms and reads VmHWM.
 *
 * Exits non-zero when the peak above baseline exceeds the bound (bench/README.md, P5), when the email
 * is not sent exactly once, or when the attachment that arrived differs from the file.
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { openChildContext, type ChildWorld } from './lib/child-context.ts';
import { answerParent, mb, measurePeak, MiB, pdfPieces, peakAboveBaseline, printPeakTable, reportChecks, runMeasuredChild, type MemoryPeak } from './lib/memory-probe.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const FROM = 'noreply@housingorganisation.co.uk';
const TO = 'asb@housingorganisation.co.uk';

interface ChildInput extends ChildWorld {
  file: string;
}

interface ChildResult extends MemoryPeak {
  sent: number;
  failed: number;
  dead: number;
  graphRequests: number;
  emailId: string;
}

if (process.argv.includes('--child')) await child();
else await parent();

async function child(): Promise<void> {
  const input = JSON.parse(process.env.P5_CHILD!) as ChildInput;
  const { sendEmail } = await import('../src/app/email/enqueue.ts');
  const { drainOutbox } = await import('../src/app/email/send-outbox.ts');
  const { storeAttachment } = await import('../src/app/email/attachments.ts');
  const { blobStoreOf } = await import('../src/app/inbound/policy.ts');
  const { getIntegrationStatus } = await import('../src/app/integration.ts');
  const { gateway, ctx, close } = await openChildContext(input, { EXCHANGE_MAX_MESSAGE_MB: '150' });

  // Warm up everything the run touches but the attachment: token, TLS connection, pool, status, blob dir.
  await gateway.tokens.token();
  await gateway.directory.findUser(FROM);
  await getIntegrationStatus(ctx);
  await blobStoreOf(ctx).has('0'.repeat(64));
  const requests0 = gateway.stats.requests;
  const { peak, value } = await measurePeak(async () => {
    const blob = await storeAttachment(blobStoreOf(ctx), createReadStream(input.file), { maxBytes: ctx.config.maxMessageBytes, field: 'attachments', name: 'survey.pdf' });
    const { id } = await sendEmail(ctx, { username: 'bench' }, { to: [TO], subject: 'Survey drawings (P5 outbound)', text: 'The full survey is attached.', attachments: [{ name: 'survey.pdf', contentType: 'application/pdf', blob }], source: 'cli' });
    return { id, r: await drainOutbox(ctx) };
  });
  const result: ChildResult = { ...peak, sent: value.r.sent, failed: value.r.failed, dead: value.r.dead, graphRequests: gateway.stats.requests - requests0, emailId: value.id };
  await close();
  answerParent(result);
}

async function parent(): Promise<void> {
  const sizeBytes = Math.round(Number(arg('mb', '100')) * MiB);
  const boundBytes = Number(arg('bound-mb', '64')) * MiB;
  const { openBenchWorld } = await import('./lib/world.ts');
  const { setParameter } = await import('../src/app/parameters.ts');
  const { demoApp } = await import('../src/adapters/graph/demo-tenant.ts');
  const world = await openBenchWorld('p5-out', { poolSize: 4 });
  const { db, ctx, actor, emu, emulator } = world;
  let exitCode: number;
  try {
    for (const [k, v] of [['INBOX_SERVER', 'housingorganisation.co.uk'], ['EMO_EMAILADDR', FROM], ['OUTLOOK365', 'Y'], ['EMAILOUT_OUTLOOK365', 'Y']]) await setParameter(ctx, actor, k, v);
    await emu('POST', '/limits', { maxMessageBytes: 150 * MiB });
    const file = path.join(world.work, 'survey.pdf');
    const sent = createHash('sha256');
    await pipeline(Readable.from((function* () {
      for (const p of pdfPieces(sizeBytes, 7)) {
        sent.update(p);
        yield p;
      }
    })()), createWriteStream(file));
    const sentSha = sent.digest('hex');

    const input: ChildInput = {
      databaseUrl: world.databaseUrl,
      dataDir: world.work,
      file,
      licencePublicKeys: ctx.licencePublicKeys,
      emulator: { tenantId: emulator.tenantId, origin: emulator.origin, graphBaseUrl: emulator.graphBaseUrl, caPem: emulator.caCertPem },
      clientId: demoApp.clientId,
      clientSecret: demoApp.clientSecret,
    };
    const r = await runMeasuredChild<ChildResult>(fileURLToPath(import.meta.url), input);

    // Correctness: sent once, one copy in the recipient's inbox carrying the file's bytes.
    const row = await db.selectFrom('email_outbox').select(['status']).where('id', '=', r.emailId).executeTakeFirstOrThrow();
    const stored = await db.selectFrom('email_outbox_attachments').select(['blob_sha256', 'content']).where('email_id', '=', r.emailId).execute();
    const user = Object.values(emulator.state.users).find((u) => u.userPrincipalName === TO)!;
    const inbox = Object.values(user.mailbox.folders).find((f) => f.wellKnownName === 'inbox')!;
    const copies = Object.values(user.mailbox.messages).filter((m) => m.folderId === inbox.id && m.subject === 'Survey drawings (P5 outbound)');
    const att = copies[0]?.attachments[0];
    let arrivedSha = '';
    if (att?.contentFile) {
      const h = createHash('sha256');
      for await (const c of emulator.core.content.open(att)) h.update(c as Buffer);
      arrivedSha = h.digest('hex');
    }
    const over = peakAboveBaseline(r);
    const date = new Date().toISOString().slice(0, 10);
    console.log(`\nP5 outbound · one email with a ${mb(sizeBytes)} MiB PDF attachment, queued from a file and sent by the outbox in a child process · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${process.platform} ${process.arch}, Node ${process.version}, ${date}\n`);
    printPeakTable(r, 'send');
    console.log(`\nqueue + send ${r.seconds.toFixed(1)} s (${(sizeBytes / MiB / r.seconds).toFixed(0)} MiB/s), ${r.graphRequests} Graph requests · sent ${r.sent} · failed ${r.failed} · dead ${r.dead}`);
    console.log(`sha256 file ${sentSha.slice(0, 16)}… · outbox blob ${(stored[0]?.blob_sha256 ?? '-').slice(0, 16)}… · arrived ${arrivedSha.slice(0, 16) || '-'}…`);
    const checks: [string, boolean][] = [
      [`peak above baseline ${mb(over)} ≤ ${mb(boundBytes)} MiB`, over <= boundBytes],
      ['sent once (status sent, 1 copy in the inbox)', row.status === 'sent' && r.sent === 1 && copies.length === 1],
      ['the outbox kept a blob reference, not the bytes', stored.length === 1 && stored[0].blob_sha256 === sentSha && stored[0].content === null],
      ['the arrived attachment is the file', att?.size === sizeBytes && arrivedSha === sentSha],
    ];
    exitCode = reportChecks('P5 outbound', checks);
  } finally {
    await world.close();
  }
  process.exit(exitCode);
}
