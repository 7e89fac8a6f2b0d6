/**
 * Where each outbound attachment travels: inside the draft's create request, in a POST of its own
 * to the draft's attachments, or through an upload session. Pure arithmetic on sizes.
 *
 * Graph's limits, and why the numbers below:
 * - A request body is capped at 4 MB ("The maximum request length supported is 4MB", 413), and a
 *   file travels base64 inside JSON, so it costs ⌈n/3⌉·4 bytes plus its JSON keys — about 4/3 of
 *   its size. We budget the *encoded* request against 4,000,000 bytes (the decimal reading, below
 *   the 4 MiB Graph actually enforces) less a margin, with the message body counted too.
 *   https://learn.microsoft.com/graph/api/user-post-messages, /graph/api/message-post-attachments
 * - Upload sessions are for files "between 3 MB and 150 MB"; under the minimum Graph refuses the
 *   session with ErrorAttachmentSizeShouldNotBeLessThanMinimumSize (observed minimum 2 MiB,
 *   microsoftgraph/msgraph-sdk-java#52; the docs say 3 MB). Files of 3,000,000 bytes and more go by
 *   session — above both readings — and every smaller file fits a POST of its own: 3,000,000 bytes
 *   encode to 4,000,000, plus a few hundred bytes of JSON, under the 4 MiB cap.
 *   https://learn.microsoft.com/graph/outlook-large-attachments,
 *   https://learn.microsoft.com/graph/api/attachment-createuploadsession
 */

/** Graph's request cap, read as decimal megabytes (Graph enforces 4 MiB: this leaves 194 kB spare). */
export const REQUEST_BUDGET_BYTES = 4_000_000;
/** Kept free in the create request for what the estimate does not see (headers Graph adds, escaping slack). */
export const REQUEST_MARGIN_BYTES = 32 * 1024;
/** From this size a file goes by upload session; below it, by a JSON POST. */
export const UPLOAD_SESSION_MIN_BYTES = 3_000_000;
/** Upload chunk: a multiple of 320 KiB, under the 4 MB per-request cap (attachment-createuploadsession). */
export const UPLOAD_CHUNK_BYTES = 320 * 1024 * 9;

export type AttachmentRoute = 'draft' | 'post' | 'session';

export interface PlannedAttachment {
  name: string;
  contentType: string;
  size: number;
  contentId?: string;
}

/** Bytes a file adds to a JSON request as a fileAttachment: base64 plus its keys and strings. */
export function encodedAttachmentBytes(a: PlannedAttachment): number {
  const strings = JSON.stringify({ name: a.name, contentType: a.contentType, contentId: a.contentId ?? '' }).length;
  return Math.ceil(a.size / 3) * 4 + strings + 96;
}

/**
 * Routes each attachment. `messageJsonBytes` is the UTF-8 length of the create request without
 * attachments (body, recipients, headers, marker). Files take the create request first-come while
 * the encoded total stays within budget; the rest go alone.
 */
export function planAttachments(messageJsonBytes: number, attachments: PlannedAttachment[]): AttachmentRoute[] {
  let room = REQUEST_BUDGET_BYTES - REQUEST_MARGIN_BYTES - messageJsonBytes;
  return attachments.map((a) => {
    if (a.size >= UPLOAD_SESSION_MIN_BYTES) return 'session';
    const cost = encodedAttachmentBytes(a);
    if (cost <= room) {
      room -= cost;
      return 'draft';
    }
    return 'post';
  });
}

/** The next byte an upload session expects, from `nextExpectedRanges` (Outlook gives one "start" or "start-end"). */
export function nextExpectedStart(ranges: unknown): number | undefined {
  if (!Array.isArray(ranges) || !ranges.length) return undefined;
  const m = /^(\d+)/.exec(String(ranges[0]));
  return m ? Number(m[1]) : undefined;
}
