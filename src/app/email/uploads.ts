/**
 * Attachments uploaded ahead of the email (POST /api/v1/email-attachments): the request body is
 * streamed into the blob store — never held whole — and the caller gets a reference to put in the
 * email's `attachments` (`{ name, upload }`). The reference is signed (HMAC with a secret kept in the
 * database, so any web process accepts it), names the uploader and expires after a day: a blob's
 * SHA-256 alone is not enough to attach it, so nobody can attach another user's file, or an inbound
 * attachment, by its hash.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Readable } from 'node:stream';
import { appSecret } from '../../adapters/db/app-secrets.ts';
import { AppError } from '../../errors.ts';
import type { Actor, AppContext } from '../context.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { storeAttachment, type StoredAttachment } from './attachments.ts';

const SECRET_KEY = 'email_upload_secret';
const LIFETIME_MS = 24 * 60 * 60_000;

interface UploadClaims {
  s: string;
  n: number;
  u: string;
  e: number;
}

const sign = (secret: Buffer, payload: string) => createHmac('sha256', secret).update(payload).digest('base64url');

export async function uploadAttachment(ctx: AppContext, actor: Actor, body: Readable, name: string): Promise<{ upload: string; size: number; expiresAt: Date }> {
  const stored = await storeAttachment(blobStoreOf(ctx), body, { maxBytes: ctx.config.maxMessageBytes, field: 'body', name });
  const claims: UploadClaims = { s: stored.sha256, n: stored.size, u: actor.username, e: ctx.now().getTime() + LIFETIME_MS };
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  return { upload: `${payload}.${sign(await appSecret(ctx.db, SECRET_KEY), payload)}`, size: stored.size, expiresAt: new Date(claims.e) };
}

/** The stored file an upload reference names, for the actor who uploaded it. */
export async function resolveUpload(ctx: AppContext, actor: Actor, ref: string, field: string): Promise<StoredAttachment> {
  const bad = (why: string) => new AppError('validation', `Attachment upload reference ${why}; upload the file again with POST /api/v1/email-attachments`, [{ field, message: why }]);
  const [payload, mac] = ref.split('.');
  if (!payload || !mac) throw bad('is malformed');
  const want = Buffer.from(sign(await appSecret(ctx.db, SECRET_KEY), payload));
  const got = Buffer.from(mac);
  if (want.length !== got.length || !timingSafeEqual(want, got)) throw bad('is not valid');
  let c: UploadClaims;
  try {
    c = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as UploadClaims;
  } catch {
    throw bad('is malformed');
  }
  if (c.u !== actor.username) throw bad('belongs to another user');
  if (c.e < ctx.now().getTime()) throw bad('has expired');
  if (!(await blobStoreOf(ctx).has(c.s))) throw bad('names a file that is no longer stored');
  return { sha256: c.s, size: c.n };
}
