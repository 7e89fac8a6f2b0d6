/**
 * Outbound attachments through the blob store (issue 14 §13): bytes are written to the store when
 * the email is queued — from a stream where the caller has one (CLI files, API uploads), so nothing
 * holds a whole file — and read back a range at a time when the outbox sends (upload session chunks
 * from disk). The outbox row keeps only the blob's SHA-256.
 */
import { Readable } from 'node:stream';
import type { BlobStore } from '../../adapters/blobs/blob-store.ts';
import type { NewOutboxAttachment, OutboxAttachmentRef } from '../../adapters/db/email-outbox.ts';
import { MAX_ATTACHMENTS_BYTES } from '../../domain/email/email-input.ts';
import { AppError } from '../../errors.ts';
import type { AttachmentSource, OutgoingAttachment } from '../ports/graph.ts';

export interface StoredAttachment {
  sha256: string;
  size: number;
}

/** Streams one file into the blob store; refuses it past `maxBytes` (the tenant's message size limit). */
export async function storeAttachment(blobs: BlobStore, source: Readable, opts: { maxBytes: number; field: string; name: string }): Promise<StoredAttachment> {
  const staged = await blobs.stage(source, { maxBytes: Math.min(opts.maxBytes, MAX_ATTACHMENTS_BYTES), headBytes: 0 });
  if (staged.tooLarge) {
    await staged.discard();
    throw new AppError('validation', tooLargeMessage(opts.maxBytes, `${opts.name} alone is`), [{ field: opts.field, message: `over ${mb(opts.maxBytes)}` }]);
  }
  await staged.commit();
  return { sha256: staged.sha256, size: staged.size };
}

/** Outbox rows for the attachments of one email: buffers go to the blob store too. */
export async function toOutboxAttachments(blobs: BlobStore | undefined, list: { name: string; contentType: string; content?: Buffer; blob?: StoredAttachment }[]): Promise<NewOutboxAttachment[]> {
  const out: NewOutboxAttachment[] = [];
  for (const a of list) {
    if (a.blob) out.push({ name: a.name, contentType: a.contentType, size: a.blob.size, blobSha256: a.blob.sha256 });
    else if (blobs) {
      const s = await storeAttachment(blobs, Readable.from([a.content ?? Buffer.alloc(0)]), { maxBytes: MAX_ATTACHMENTS_BYTES, field: 'attachments', name: a.name });
      out.push({ name: a.name, contentType: a.contentType, size: s.size, blobSha256: s.sha256 });
    } else out.push({ name: a.name, contentType: a.contentType, size: a.content?.length ?? 0, content: a.content ?? Buffer.alloc(0) });
  }
  return out;
}

export const mb = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export function tooLargeMessage(limit: number, what: string): string {
  return `${what} over the ${mb(limit)} Exchange Online takes for one message here (EXCHANGE_MAX_MESSAGE_MB; a tenant admin can raise it to 150 MB with Set-Mailbox -MaxSendSize). Send a link instead, or split it over several emails.`;
}

/** What the outbox hands the Graph adapter: bytes read from the blob store only when they are sent. */
export function outgoingAttachment(blobs: BlobStore, ref: OutboxAttachmentRef): OutgoingAttachment {
  if (!ref.blobSha256) return { name: ref.name, contentType: ref.contentType, content: ref.content ?? Buffer.alloc(0) };
  const sha = ref.blobSha256;
  const source: AttachmentSource = {
    size: ref.size,
    async read(start, end, into) {
      if (end <= start) return Buffer.alloc(0);
      if (into && into.length >= end - start) {
        const n = await blobs.readInto(sha, start, into.subarray(0, end - start));
        return into.subarray(0, n);
      }
      const parts: Buffer[] = [];
      for await (const c of await blobs.open(sha, { start, end })) parts.push(c as Buffer);
      return Buffer.concat(parts);
    },
  };
  return { name: ref.name, contentType: ref.contentType, source };
}
