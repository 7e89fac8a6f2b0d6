/**
 * Attachment upload sessions (https://learn.microsoft.com/graph/outlook-large-attachments):
 * a pre-authenticated uploadUrl taking sequential PUTs of ≤ 4 MB with Content-Range; the final
 * PUT answers 201 with a Location naming the new attachment. Each range is appended to a staging
 * file as it arrives and the attachment keeps its content on disk (mail/content.ts), so a 150 MB
 * upload never sits in memory.
 */
import { randomBytes } from 'node:crypto';
import type { RouteContext, RouteResult, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { newImmutableId } from '../ids.ts';
import { findMessage, messageChanged } from './store.ts';
import { isoNow } from './send.ts';
import { checkMessageSize } from './send-draft.ts';

export interface UploadSession {
  id: string;
  token: string;
  userId: string;
  messageImmutableId: string;
  name: string;
  size: number;
  contentType: string;
  isInline: boolean;
  contentId?: string;
  received: number;
  /** The bytes so far, in a staging file. */
  file: ReturnType<Core['content']['begin']>;
  expiresAtMs: number;
}

export const maxAttachmentBytes = 150 * 1024 * 1024;
export const maxChunkBytes = 4 * 1024 * 1024;
const sessionLifetimeMs = 15 * 60_000;

export function createUploadSession(core: Core, ctx: RouteContext, user: UserState, messageImmutableId: string): RouteResult {
  const item = ctx.body?.AttachmentItem ?? ctx.body?.attachmentItem;
  if (!item || typeof item !== 'object') throw new GraphError(400, 'ErrorInvalidRequest', "The parameter 'AttachmentItem' is missing.");
  if (item.attachmentType && String(item.attachmentType).toLowerCase() !== 'file') throw new GraphError(400, 'ErrorInvalidRequest', 'Only file attachments can be uploaded with an upload session.');
  const size = Number(item.size);
  if (!Number.isInteger(size) || size < 0) throw new GraphError(400, 'ErrorInvalidRequest', "The 'size' of the AttachmentItem is missing or invalid.");
  if (size > maxAttachmentBytes) throw new GraphError(400, 'ErrorAttachmentSizeLimitExceeded', 'The attachment size exceeds the maximum of 150 MB.');
  // "To attach a file that's smaller than 3 MB, do a POST operation on the attachments navigation property" (graph/api/attachment-createuploadsession).
  if (size < core.mailLimits.uploadSessionMinBytes) {
    throw new GraphError(400, 'ErrorAttachmentSizeShouldNotBeLessThanMinimumSize', `The attachment size ${size} is less than the minimum size of ${core.mailLimits.uploadSessionMinBytes} bytes for an upload session; attach it with a POST instead.`);
  }
  const msg = findMessage(user, messageImmutableId);
  if (msg) checkMessageSize(core, msg, size);
  if (!item.name) throw new GraphError(400, 'ErrorInvalidRequest', "The 'name' of the AttachmentItem is missing.");
  const s: UploadSession = {
    id: randomBytes(16).toString('hex'),
    token: randomBytes(24).toString('base64url'),
    userId: user.id,
    messageImmutableId,
    name: String(item.name),
    size,
    contentType: String(item.contentType ?? 'application/octet-stream'),
    isInline: !!item.isInline,
    contentId: item.contentId ? String(item.contentId) : undefined,
    received: 0,
    file: core.content.begin(),
    expiresAtMs: core.clock.nowMs() + sessionLifetimeMs,
  };
  core.uploads.set(s.id, s);
  return {
    status: 201,
    body: {
      '@odata.context': `${ctx.graphBaseUrl}/$metadata#microsoft.graph.uploadSession`,
      // Real upload URLs live on another host (outlook.office.com), so the Graph SDK does not send its
      // bearer token there; 127.0.0.1 (also in the certificate) plays that part for `localhost`.
      uploadUrl: `${core.origin.replace('//localhost:', '//127.0.0.1:')}/_uploads/${s.id}?authtoken=${s.token}`,
      expirationDateTime: new Date(s.expiresAtMs).toISOString(),
      nextExpectedRanges: ['0-'],
    },
  };
}

function session(core: Core, ctx: RouteContext): UploadSession {
  // The uploadUrl is pre-authenticated (its authtoken is for outlook.office.com): "Do not specify an
  // Authorization request header" (graph/outlook-large-attachments). Outlook refuses a Graph bearer
  // token sent there anyway: 401 InvalidAudience (msgraph-sdk-java-core#445, msgraph-sdk-java#409).
  if (ctx.headers.authorization) throw new GraphError(401, 'InvalidAudience', "The audience claim value is invalid 'aud'. Do not send an Authorization header to a pre-authenticated uploadUrl.");
  const s = core.uploads.get(ctx.params.session);
  if (!s || ctx.query.get('authtoken') !== s.token) throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
  if (s.expiresAtMs < core.clock.nowMs()) {
    core.uploads.delete(s.id);
    s.file.abort();
    throw new GraphError(404, 'ErrorItemNotFound', 'The upload session was not found or has expired.');
  }
  return s;
}

export function putChunk(core: Core, ctx: RouteContext): RouteResult {
  const s = session(core, ctx);
  const range = String(ctx.headers['content-range'] ?? '');
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(range.trim());
  if (!m) throw new GraphError(400, 'ErrorInvalidRequest', "The 'Content-Range' header is missing or malformed (expected 'bytes {start}-{end}/{size}').");
  const start = Number(m[1]), end = Number(m[2]), total = Number(m[3]);
  const body = ctx.rawBody;
  if (total !== s.size) throw new GraphError(400, 'ErrorInvalidRequest', `The total size in Content-Range (${total}) does not match the size of the upload session (${s.size}).`);
  if (end < start || end - start + 1 !== body.length) throw new GraphError(400, 'ErrorInvalidRequest', 'The Content-Range does not match the number of bytes in the request body.');
  if (body.length > maxChunkBytes) throw new GraphError(413, 'RequestEntityTooLarge', 'Each byte range must be at most 4 MB.');
  if (start !== s.received) {
    return { status: 416, body: { error: { code: 'InvalidRange', message: `The uploaded range does not start at the next expected byte (${s.received}).` }, nextExpectedRanges: [String(s.received)] } };
  }
  if (end >= s.size) throw new GraphError(400, 'ErrorInvalidRequest', 'The Content-Range goes past the end of the file.');
  s.file.append(body);
  s.received = end + 1;
  s.expiresAtMs = core.clock.nowMs() + sessionLifetimeMs;
  if (s.received < s.size) {
    return { status: 200, body: { expirationDateTime: new Date(s.expiresAtMs).toISOString(), nextExpectedRanges: [String(s.received)] } };
  }
  core.uploads.delete(s.id);
  const stored = s.file.finish();
  const user = core.state.users[s.userId];
  const msg = user && findMessage(user, s.messageImmutableId);
  if (!user || !msg) throw new GraphError(404, 'ErrorItemNotFound', 'The specified object was not found in the store.');
  const nowIso = isoNow(core);
  const id = newImmutableId('attachment');
  msg.attachments.push({
    id,
    kind: 'file',
    name: s.name,
    contentType: s.contentType,
    size: s.size,
    isInline: s.isInline,
    contentId: s.contentId,
    lastModifiedDateTime: nowIso,
    contentFile: stored.file,
  });
  messageChanged(user, msg, nowIso, (c) => core.emit(c));
  const loc = `${core.graphBaseUrl}/users('${user.id}')/messages('${msg.immutableId}')/attachments('${id}')`;
  return { status: 201, headers: { location: loc } };
}

/** GET uploadUrl: where the session stands (uploadSession: expirationDateTime, nextExpectedRanges). */
export function uploadStatus(core: Core, ctx: RouteContext): RouteResult {
  const s = session(core, ctx);
  return { status: 200, body: { expirationDateTime: new Date(s.expiresAtMs).toISOString(), nextExpectedRanges: [String(s.received)] } };
}

export function cancelUpload(core: Core, ctx: RouteContext): RouteResult {
  const s = session(core, ctx);
  core.uploads.delete(s.id);
  s.file.abort();
  return { status: 204 };
}
