import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { resolveUpload, uploadAttachment } from '../../../app/email/uploads.ts';
import { AppError } from '../../../errors.ts';
import type { AppContext } from '../../../app/context.ts';
import { sendEmail } from '../../../app/email/enqueue.ts';
import { getOutboxEmail, listOutbox, replayEmail, type OutboxEmailDetail, type OutboxEmail } from '../../../app/email/outbox.ts';
import { viewerOf } from '../../../app/tasks/viewer.ts';
import { OUTBOX_STATUSES } from '../../../domain/email/outbox.ts';
import type { ApiCatalogue } from './define.ts';

const Address = z.object({ address: z.string(), name: z.string().optional() }).meta({ id: 'EmailAddress' });
const AddressIn = z.union([z.string().email(), z.object({ address: z.string().email(), name: z.string().max(200).optional() })]);

const NewEmail = z
  .object({
    to: z.array(AddressIn).min(1).max(500).describe('Recipients: "a@b.org" or {address, name}'),
    cc: z.array(AddressIn).max(500).optional(),
    bcc: z.array(AddressIn).max(500).optional(),
    replyTo: z.array(AddressIn).max(10).optional(),
    template: z.string().max(40).optional().describe('Template code, e.g. APPT_CONFIRM; give either this (with data) or subject + html/text'),
    data: z.record(z.string(), z.unknown()).optional().describe('Merge fields for the template, e.g. {"tenant": {"name": "Ms Smith"}}'),
    subject: z.string().max(998).optional(),
    html: z.string().optional(),
    text: z.string().optional(),
    attachments: z
      .array(
        z
          .object({
            name: z.string().min(1).max(255),
            contentType: z.string().max(200).optional(),
            content: z.string().optional().describe('base64 (small files)'),
            upload: z.string().max(2000).optional().describe('A reference from POST /email-attachments (large files, streamed)'),
          })
          .refine((a) => (a.content === undefined) !== (a.upload === undefined), { message: 'give content (base64) or upload (a reference from POST /email-attachments), not both', path: ['content'] }),
      )
      .max(100)
      .optional()
      .describe('The whole email may be at most the tenant\'s message size limit (EXCHANGE_MAX_MESSAGE_MB, 35 MB by default); from 3 MB each they go to Outlook through upload sessions. Larger files are better uploaded first with POST /email-attachments'),
    sourceRef: z.string().max(200).optional().describe('Your reference for the business record it belongs to'),
    idempotencyKey: z.string().min(1).max(200).optional().describe('Send the same key again and you get the first email back instead of a second one'),
  })
  .strict()
  .meta({ id: 'NewEmail' });

const Email = z
  .object({
    id: z.string().uuid(),
    status: z.enum(OUTBOX_STATUSES as [string, ...string[]]),
    to: z.array(Address),
    cc: z.array(Address),
    bcc: z.array(Address),
    subject: z.string(),
    template: z.string().nullable(),
    source: z.string(),
    sourceRef: z.string().nullable(),
    fromMailbox: z.string().nullable(),
    attempts: z.number().int(),
    nextAttemptAt: z.iso.datetime().nullable().describe('When a failed email is tried again'),
    lastError: z.string().nullable(),
    heldReason: z.string().nullable().describe('Why it waits, e.g. "held: EMAILOUT_OUTLOOK365 is N"'),
    deadReason: z.string().nullable(),
    sentAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
  })
  .meta({ id: 'Email' });

const EmailDetail = Email.extend({
  html: z.string().nullable(),
  text: z.string().nullable(),
  attachments: z.array(z.object({ name: z.string(), contentType: z.string(), size: z.number().int() })),
  history: z.array(z.object({ at: z.iso.datetime(), status: z.string(), detail: z.string().nullable() })),
}).meta({ id: 'EmailDetail' });

const toEmail = (e: OutboxEmail): z.input<typeof Email> => ({
  id: e.id,
  status: e.status,
  to: e.to,
  cc: e.cc,
  bcc: e.bcc,
  subject: e.subject,
  template: e.templateCode,
  source: e.source,
  sourceRef: e.sourceRef,
  fromMailbox: e.fromMailbox,
  attempts: e.attempts,
  nextAttemptAt: e.status === 'failed' || e.status === 'queued' ? e.nextAttemptAt.toISOString() : null,
  lastError: e.lastError,
  heldReason: e.heldReason,
  deadReason: e.deadReason,
  sentAt: e.sentAt?.toISOString() ?? null,
  createdAt: e.createdAt.toISOString(),
  createdBy: e.createdBy,
});

const toDetail = (e: OutboxEmailDetail): z.input<typeof EmailDetail> => ({
  ...toEmail(e),
  html: e.html,
  text: e.text,
  attachments: e.attachments.map((a) => ({ name: a.name, contentType: a.contentType, size: a.size })),
  history: e.events.map((h) => ({ at: h.at.toISOString(), status: h.status, detail: h.detail })),
});

const IdParam = z.object({ id: z.string().uuid() });

export function registerEmailApi(app: FastifyInstance, ctx: AppContext, api: ApiCatalogue): void {
  api.add(app, {
    method: 'POST',
    path: '/emails',
    operationId: 'sendEmail',
    summary: 'Queue an email to send through Outlook 365',
    description:
      'The email goes into the outbox at once and is sent from EMO_EMAILADDR by the outbox worker, exactly once. While OUTLOOK365 or EMAILOUT_OUTLOOK365 is not Y, or the licence does not cover OUTLOOK365, it waits as "held".',
    tag: 'Email',
    role: 'officer',
    body: NewEmail,
    // base64 of the largest email the tenant takes, and room for the rest of the JSON
    bodyLimit: Math.ceil((ctx.config.maxMessageBytes * 4) / 3) + 1024 * 1024,
    status: 202,
    response: EmailDetail,
    handler: async ({ body, principal }) => {
      const attachments = [];
      for (const [i, a] of (body.attachments ?? []).entries()) {
        if (a.upload !== undefined) attachments.push({ name: a.name, contentType: a.contentType, blob: await resolveUpload(ctx, principal, a.upload, `attachments.${i}.upload`) });
        else attachments.push({ name: a.name, contentType: a.contentType, content: a.content! });
      }
      const { id } = await sendEmail(ctx, principal, { ...body, attachments, source: 'api' });
      return toDetail(await getOutboxEmail(ctx, id, await viewerOf(ctx, principal)));
    },
  });

  // Large files: the body is the file itself, streamed into the blob store (never held whole).
  void app.register(async (scope) => {
    scope.addContentTypeParser('application/octet-stream', (_req, payload, done) => done(null, payload));
    api.add(scope, {
      method: 'POST',
      path: '/email-attachments',
      operationId: 'uploadEmailAttachment',
      summary: 'Upload a file to attach to an email (streamed)',
      description:
        'Send the file as the request body with Content-Type: application/octet-stream. The answer\'s `upload` goes into POST /emails as `attachments: [{ name, contentType, upload }]`, by the same user, within a day. Files over the tenant\'s message size limit (EXCHANGE_MAX_MESSAGE_MB) are refused.',
      tag: 'Email',
      role: 'officer',
      query: z.object({ name: z.string().trim().min(1).max(255).describe('The file name, for messages') }),
      problems: { 400: 'The body is not application/octet-stream' },
      status: 201,
      response: z.object({ upload: z.string(), size: z.number().int(), expiresAt: z.iso.datetime() }).meta({ id: 'EmailAttachmentUpload' }),
      handler: async ({ query, principal, request }) => {
        if (!(request.body instanceof Readable)) {
          throw new AppError('bad_request', 'Send the file itself as the body, with Content-Type: application/octet-stream', [{ field: 'body', message: 'must be application/octet-stream' }]);
        }
        const r = await uploadAttachment(ctx, principal, request.body, query.name);
        return { upload: r.upload, size: r.size, expiresAt: r.expiresAt.toISOString() };
      },
    });
  });

  api.add(app, {
    method: 'GET',
    path: '/emails/{id}',
    operationId: 'getEmail',
    summary: 'One email of the outbox, with its history',
    tag: 'Email',
    role: 'officer',
    params: IdParam,
    status: 200,
    response: EmailDetail,
    handler: async ({ params, principal }) => toDetail(await getOutboxEmail(ctx, params.id, await viewerOf(ctx, principal))),
  });

  api.add(app, {
    method: 'GET',
    path: '/emails',
    operationId: 'listEmails',
    summary: 'The outbox, newest first',
    tag: 'Email',
    role: 'officer',
    query: z.object({
      status: z.enum(OUTBOX_STATUSES as [string, ...string[]]).optional(),
      limit: z.coerce.number().int().min(1).max(500).default(50),
      offset: z.coerce.number().int().min(0).default(0),
    }),
    status: 200,
    response: z.array(Email),
    handler: async ({ query, principal }) => (await listOutbox(ctx, await viewerOf(ctx, principal), query)).map(toEmail),
  });

  api.add(app, {
    method: 'POST',
    path: '/emails/{id}/replay',
    operationId: 'replayEmail',
    summary: 'Send a dead email again (after fixing the cause)',
    tag: 'Email',
    role: 'admin',
    params: IdParam,
    problems: { 409: 'The email is not dead' },
    status: 200,
    response: EmailDetail,
    handler: async ({ params, principal }) => toDetail(await replayEmail(ctx, principal, params.id, await viewerOf(ctx, principal))),
  });
}
