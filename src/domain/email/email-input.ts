/**
 * What a caller gives to send an email: a template code + data, or a subject + body; recipients;
 * attachments. One zod schema shared by the API, the CLI, the UI and the flows.
 */
import { z } from 'zod';
import { displaySafeName } from '../text/bidi.ts';

export const EmailAddressInput = z.union([
  z.string().trim().email().transform((address) => ({ address })),
  // Names we send leave as the reader should see them: no bidi control (domain/text/bidi.ts).
  z.object({ address: z.string().trim().email(), name: z.string().trim().max(200).transform(displaySafeName).optional() }),
]);
export type EmailAddressInput = z.input<typeof EmailAddressInput>;

const Base64 = z.string().transform((s, c) => {
  if (!/^[A-Za-z0-9+/\s]*={0,2}\s*$/.test(s)) {
    c.addIssue({ code: 'custom', message: 'must be base64' });
    return z.NEVER;
  }
  return Buffer.from(s, 'base64');
});

export const AttachmentInput = z
  .object({
    /** Sent without bidi controls: from our address, "invoice\u202Efdp.exe" would be our phishing. */
    name: z.string().trim().min(1).max(255).transform(displaySafeName),
    contentType: z.string().trim().min(3).max(200).default('application/octet-stream'),
    /** Bytes, or base64 text (API JSON) … */
    content: z.union([z.instanceof(Buffer), Base64]).optional(),
    /** … or a file already streamed into the blob store (CLI files, API uploads). */
    blob: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/), size: z.number().int().min(0) }).optional(),
  })
  .refine((a) => (a.content === undefined) !== (a.blob === undefined), { message: 'give the content or a stored blob', path: ['content'] });
export type AttachmentInput = z.input<typeof AttachmentInput>;

export const attachmentInputSize = (a: z.output<typeof AttachmentInput>): number => a.content?.length ?? a.blob?.size ?? 0;

/** Outlook's own ceiling for one message (upload sessions); the tenant's limit, usually 35 MB, is checked when queued. */
export const MAX_ATTACHMENTS_BYTES = 150 * 1024 * 1024;

/** A message's weight against the tenant's limit: its body and its attachments' bytes (as Graph's upload session counts them). */
export function messageSizeOf(body: { html?: string | null; text?: string | null; subject?: string }, attachmentBytes: number): number {
  return Buffer.byteLength(body.html ?? '') + Buffer.byteLength(body.text ?? '') + Buffer.byteLength(body.subject ?? '') + attachmentBytes;
}

export const EmailInput = z
  .object({
    to: z.array(EmailAddressInput).min(1, 'at least one recipient').max(500),
    cc: z.array(EmailAddressInput).max(500).default([]),
    bcc: z.array(EmailAddressInput).max(500).default([]),
    replyTo: z.array(EmailAddressInput).max(10).default([]),
    template: z.string().trim().toUpperCase().optional(),
    data: z.record(z.string(), z.unknown()).default({}),
    subject: z.string().max(998).optional(),
    html: z.string().max(4_000_000).optional(),
    text: z.string().max(4_000_000).optional(),
    attachments: z.array(AttachmentInput).max(100).default([]),
    /** Where it came from, for the Outbox page: 'api', 'ui', 'cli', or a flow's name. */
    source: z.string().trim().max(60).default('api'),
    /** The business record it belongs to (booking ref, task number). */
    sourceRef: z.string().trim().max(200).optional(),
    /** The task this email answers: who may see the task decides who sees the email (not settable through the API). */
    taskId: z.number().int().positive().optional(),
    /** The same key twice enqueues once (the second call returns the first email). */
    idempotencyKey: z.string().trim().min(1).max(200).optional(),
  })
  .superRefine((v, c) => {
    if (v.template) {
      if (v.subject !== undefined || v.html !== undefined || v.text !== undefined) {
        c.addIssue({ code: 'custom', path: ['template'], message: 'give a template, or a subject and body, not both' });
      }
    } else {
      if (!v.subject?.trim()) c.addIssue({ code: 'custom', path: ['subject'], message: 'a subject is needed when no template is given' });
      if (!v.html?.trim() && !v.text?.trim()) c.addIssue({ code: 'custom', path: ['text'], message: 'a body (html or text) is needed when no template is given' });
    }
    const total = v.attachments.reduce((n, a) => n + attachmentInputSize(a), 0);
    if (total > MAX_ATTACHMENTS_BYTES) c.addIssue({ code: 'custom', path: ['attachments'], message: `attachments total ${total} bytes; the limit is 150 MB` });
  });
export type EmailInput = z.input<typeof EmailInput>;
export type ParsedEmailInput = z.output<typeof EmailInput>;
