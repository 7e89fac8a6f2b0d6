/**
 * Exchange Online's documented limits on outbound mail, as the emulator enforces them. Each can be
 * changed at start (`mailLimits`) or at run time (`POST /_emulator/limits`).
 *
 * - maxMessageBytes: a tenant's message size limit, "by default … 35 MB", raisable to 150 MB
 *   (https://learn.microsoft.com/graph/api/attachment-createuploadsession, tip; Exchange shows it as
 *   "35 MB (36,700,160 bytes)"). Counted as the raw bytes of the body and the attachments — what an
 *   upload session's `size` states; Graph answers ErrorMessageSizeExceeded ("The message exceeds the
 *   maximum supported size.", microsoftgraph/microsoft-graph-docs-contrib#2561).
 * - uploadSessionMinBytes: sessions are for files "between 3 MB and 150 MB"; a smaller one is
 *   refused with ErrorAttachmentSizeShouldNotBeLessThanMinimumSize (graph/outlook-large-attachments,
 *   "Errors"). **choice:** 3,000,000 bytes, the docs' figure read as decimal (Graph was observed to
 *   accept from 2 MiB, microsoftgraph/msgraph-sdk-java#52, so this is at least as strict).
 * - sentItemsDelayMs: after `send` the item leaves Drafts and its Sent Items copy (and delivery)
 *   comes later — "the message is saved in the Sent Items folder" only once Exchange has processed it
 *   (graph/api/message-send). During the delay it is in no folder: a marker search and a GET by id do
 *   not find it. 0 = at once.
 */
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
export interface MailLimits {
  maxMessageBytes: number;
  uploadSessionMinBytes: number;
  sentItemsDelayMs: number;
}

export const defaultMailLimits: MailLimits = {
  maxMessageBytes: 35 * 1024 * 1024,
  uploadSessionMinBytes: 3_000_000,
  sentItemsDelayMs: 0,
};

/** Outlook's hard ceiling, whatever the tenant sets. */
export const outlookMaxMessageBytes = 150 * 1024 * 1024;

export function updateMailLimits(limits: MailLimits, input: Record<string, unknown>): MailLimits {
  for (const k of Object.keys(defaultMailLimits) as (keyof MailLimits)[]) {
    if (input[k] === undefined) continue;
    const n = Number(input[k]);
    if (!Number.isInteger(n) || n < 0) throw new Error(`${k} must be a whole number ≥ 0`);
    if (k === 'maxMessageBytes' && (n < 1 || n > outlookMaxMessageBytes)) throw new Error(`maxMessageBytes must be between 1 and ${outlookMaxMessageBytes} (150 MB)`);
    limits[k] = n;
  }
  return limits;
}

/** What a message weighs against maxMessageBytes: its body and its attachments' bytes. */
export function messageBytes(m: { body?: { content?: string }; attachments: { size: number }[] }): number {
  return Buffer.byteLength(m.body?.content ?? '') + m.attachments.reduce((n, a) => n + a.size, 0);
}

/** Refuses a message over the tenant's size limit, as Exchange does. */
export function checkMessageSize(core: Core, m: { body?: { content?: string }; attachments: { size: number }[] }, extraBytes = 0): void {
  if (messageBytes(m) + extraBytes > core.mailLimits.maxMessageBytes) {
    // **choice:** status 400; Graph's code and message as reported (microsoft-graph-docs-contrib#2561).
    throw new GraphError(400, 'ErrorMessageSizeExceeded', 'The message exceeds the maximum supported size.');
  }
}
