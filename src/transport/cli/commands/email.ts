import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { storeAttachment } from '../../../app/email/attachments.ts';
import { blobStoreOf } from '../../../app/inbound/policy.ts';
import { basename } from 'node:path';
import { sendEmail } from '../../../app/email/enqueue.ts';
import { getOutboxEmail, listOutbox, replayEmail } from '../../../app/email/outbox.ts';
import { OPERATOR_VIEWER } from '../../../domain/tasks/visibility.ts';
import { drainOutbox } from '../../../app/email/send-outbox.ts';
import { attachmentTypesForFileName } from '../../../domain/frv/attachment-types.ts';
import { ATTACHMENT_TYPES } from '../../../domain/frv/frv.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';
import { withGraphContext } from './doctor.ts';

const usage = `housing365 email send --to ADDRESS [--to …] [--cc …] [--bcc …] (--template CODE [--data JSON | --data-file FILE] | --subject TEXT (--text TEXT | --text-file FILE | --html-file FILE)) [--attach FILE …] [--ref REF]
       housing365 email list [--status queued|held|sending|sent|failed|dead] [--json]
       housing365 email show ID [--json]
       housing365 email replay ID
       housing365 email drain   (send what is due now, from this process)`;

function contentTypeOf(file: string): string {
  const code = attachmentTypesForFileName(file)[0];
  return (code && ATTACHMENT_TYPES[code]?.mimeTypes[0]) || 'application/octet-stream';
}

export const emailCommand: Command = {
  name: 'email',
  summary: 'Send email through the outbox, and list, show or replay outbox email',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      {
        json: { type: 'boolean' },
        to: { type: 'string', multiple: true },
        cc: { type: 'string', multiple: true },
        bcc: { type: 'string', multiple: true },
        template: { type: 'string' },
        data: { type: 'string' },
        'data-file': { type: 'string' },
        subject: { type: 'string' },
        text: { type: 'string' },
        'text-file': { type: 'string' },
        'html-file': { type: 'string' },
        attach: { type: 'string', multiple: true },
        ref: { type: 'string' },
        status: { type: 'string' },
      },
      usage,
    );
    const [sub, id] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'send') {
      let data: Record<string, unknown> | undefined;
      try {
        const raw = values['data-file'] ? readFileSync(values['data-file'], 'utf8') : values.data;
        data = raw ? JSON.parse(raw) : undefined;
      } catch (e) {
        throw new UsageError(`--data / --data-file must be JSON: ${(e as Error).message}`);
      }
      const input = {
        to: values.to ?? [],
        cc: values.cc ?? [],
        bcc: values.bcc ?? [],
        template: values.template,
        data,
        subject: values.subject,
        text: values['text-file'] ? readFileSync(values['text-file'], 'utf8') : values.text,
        html: values['html-file'] ? readFileSync(values['html-file'], 'utf8') : undefined,
        source: 'cli',
        sourceRef: values.ref,
      };
      const r = await withContext(async (ctx) => {
        // Each file is streamed into the blob store (never read whole), refused past the tenant's message size limit.
        const attachments = [];
        for (const f of values.attach ?? []) {
          if (!existsSync(f)) throw new UsageError(`--attach ${f}: no such file`);
          const blob = await storeAttachment(blobStoreOf(ctx), createReadStream(f), { maxBytes: ctx.config.maxMessageBytes, field: 'attach', name: basename(f) });
          attachments.push({ name: basename(f), contentType: contentTypeOf(f), blob });
        }
        return sendEmail(ctx, cliActor(), { ...input, attachments });
      });
      console.log(`queued ${r.id}${r.created ? '' : ' (already queued with this key)'}`);
      return;
    }
    if (sub === 'list') {
      const list = await withContext((ctx) => listOutbox(ctx, OPERATOR_VIEWER, { status: values.status, limit: 200 }));
      printTable(
        list.map((e) => ({ id: e.id, status: e.status, to: e.to.map((a) => a.address).join(','), subject: e.subject, attempts: e.attempts, detail: e.heldReason ?? e.deadReason ?? e.lastError ?? '' })),
        Boolean(values.json),
      );
      return;
    }
    if (sub === 'show') {
      if (!id) throw new UsageError(`email show needs an ID\nusage: ${usage}`);
      const e = await withContext((ctx) => getOutboxEmail(ctx, id, OPERATOR_VIEWER));
      if (values.json) return void console.log(JSON.stringify(e, null, 2));
      console.log(`${e.id}  ${e.status}\n  to: ${e.to.map((a) => a.address).join(', ')}\n  subject: ${e.subject}\n  attempts: ${e.attempts}`);
      if (e.heldReason) console.log(`  held: ${e.heldReason}`);
      if (e.lastError) console.log(`  last error: ${e.lastError}`);
      if (e.deadReason) console.log(`  dead: ${e.deadReason}`);
      for (const h of e.events) console.log(`  ${h.at.toISOString()}  ${h.status}${h.detail ? `  ${h.detail}` : ''}`);
      return;
    }
    if (sub === 'replay') {
      if (!id) throw new UsageError(`email replay needs an ID\nusage: ${usage}`);
      const e = await withContext((ctx) => replayEmail(ctx, cliActor(), id, OPERATOR_VIEWER));
      console.log(`${e.id} is ${e.status} again`);
      return;
    }
    if (sub === 'drain') {
      const r = await withGraphContext((ctx) => drainOutbox(ctx));
      console.log(r.heldReason ? `nothing sent: ${r.heldReason} (${r.held} held)` : `sent ${r.sent}, failed ${r.failed}, dead ${r.dead}${r.rateLimited ? ' (stopped at the sending limit)' : ''}`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
