// Deciding whether an inbound attachment may be saved: its name and its content must agree on a
// type the organisation permits (EMAIL_ATT_FILETYPE), and it must fit EMAIL_ATT_FILESIZE. The name
// alone is not trusted (a renamed .exe is not a PDF) and neither is the declared MIME type.
import { ATTACHMENT_TYPES, matchesSignature, type AttachmentType } from './attachment-types.ts';

/** How many leading bytes a caller should pass: enough for every signature in the table. */
export const ATTACHMENT_HEAD_BYTES = 4096;

export type AttachmentVerdict = { allowed: true; code: string } | { allowed: false; reason: string };

/**
 * `head` is the start of the file (ATTACHMENT_HEAD_BYTES, or the whole file if shorter);
 * `permitted` the active EMAIL_ATT_FILETYPE codes.
 */
export function judgeAttachment(fileName: string, head: Uint8Array, permitted: readonly string[]): AttachmentVerdict {
  const allowedCodes = permitted.filter((c) => c in ATTACHMENT_TYPES);
  if (allowedCodes.length === 0) {
    return { allowed: false, reason: 'No attachment types are permitted (EMAIL_ATT_FILETYPE has no active values)' };
  }
  const dot = fileName.lastIndexOf('.');
  const ext = dot >= 0 ? fileName.slice(dot + 1).toLowerCase() : '';
  if (!ext) return { allowed: false, reason: `${fileName} has no file extension, so its type cannot be checked` };
  const named = allowedCodes.filter((c) => ATTACHMENT_TYPES[c].extensions.includes(ext));
  if (named.length === 0) {
    return { allowed: false, reason: `.${ext} files are not permitted (EMAIL_ATT_FILETYPE allows ${allowedCodes.join(', ')})` };
  }
  for (const code of named) {
    if (contentMatches(ATTACHMENT_TYPES[code], head)) return { allowed: true, code };
  }
  const t = ATTACHMENT_TYPES[named[0]];
  return { allowed: false, reason: `${fileName} is named as a ${t.label} but its content is not one` };
}

function contentMatches(type: AttachmentType, head: Uint8Array): boolean {
  if (!type.text) return matchesSignature(type, head);
  if (!looksLikeText(head)) return false;
  if (type.extensions.includes('eml')) return startsWithHeaderField(head);
  return true;
}

/**
 * Text: UTF-16 with a byte-order mark, or bytes with no NUL and no control characters other than
 * tab, line feed, form feed, carriage return and escape. Not "valid UTF-8": Excel on Windows saves
 * CSV in Windows-1252 by default, and a head cut at 4 KiB can end inside a character anyway.
 */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  for (const byte of head) {
    if ((byte < 0x20 && !TEXT_CONTROLS.has(byte)) || byte === 0x7f) return false;
  }
  return true;
}

const TEXT_CONTROLS = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x1b]);

function startsWithHeaderField(head: Uint8Array): boolean {
  const firstLine = Buffer.from(head.subarray(0, 1000)).toString('latin1').replace(/^\uFEFF|^\xEF\xBB\xBF/, '').split(/\r?\n/, 1)[0];
  // RFC 5322 §2.2: a field name is printable ASCII except colon, followed by a colon.
  return /^[!-9;-~]+:/.test(firstLine);
}

// Graph cannot carry an attachment over 150 MB (https://learn.microsoft.com/graph/outlook-large-attachments);
// a tenant's own message size limit (35 MB by default in Exchange Online) usually bites first.
export const GRAPH_ATTACHMENT_LIMIT_BYTES = 150 * 1024 * 1024;

/**
 * The byte limit from EMAIL_ATT_FILESIZE (GB, taken as 1024³ bytes, as Windows shows sizes), capped
 * at what Graph can deliver. Unset → Graph's limit.
 */
export function maxAttachmentBytes(fileSizeGb: string | null | undefined): number {
  const gb = fileSizeGb ? Number(fileSizeGb) : NaN;
  if (!Number.isFinite(gb) || gb <= 0) return GRAPH_ATTACHMENT_LIMIT_BYTES;
  return Math.min(Math.floor(gb * 1024 ** 3), GRAPH_ATTACHMENT_LIMIT_BYTES);
}
