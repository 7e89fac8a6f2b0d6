// Which inbound attachments are saved (guide §2.2.2–2.2.3): the type must be one of the active
// EMAIL_ATT_FILETYPE values — judged by what the content IS (a content detector's verdict: file-type
// plus the container check the format needs, see adapters/blobs/content-type.ts) AND the file name's
// extension together, so a renamed .exe is not a PDF and a plain ZIP named .docx is not a Word
// document — and the size at most EMAIL_ATT_FILESIZE GB.
import { ATTACHMENT_TYPES, attachmentTypesForFileName, contentIsType, matchesSignature, typesOfContent, type DetectedContent } from '../frv/attachment-types.ts';

/** Graph cannot carry a message over 150 MB, so no attachment is bigger; the limit when EMAIL_ATT_FILESIZE is not set. */
export const GRAPH_MAX_MESSAGE_BYTES = 150 * 1024 * 1024;
export const HEAD_BYTES = 4096;

export type AttachmentVerdict = { saved: true; type: string } | { saved: false; reason: string; detected?: string };

/** EMAIL_ATT_FILESIZE (GB, may be fractional) → bytes; unset → Graph's own maximum. */
export function maxAttachmentBytes(filesizeGb: string | null | undefined): number {
  const gb = filesizeGb == null || filesizeGb.trim() === '' ? NaN : Number(filesizeGb);
  if (!Number.isFinite(gb) || gb <= 0) return GRAPH_MAX_MESSAGE_BYTES;
  return Math.floor(gb * 1024 ** 3);
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} bytes`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 ** 2).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}

/** True when the bytes look like text: no NUL, and valid UTF-8 (a sequence cut at the end of the sample is fine) or a UTF-16 BOM. */
export function looksLikeText(head: Uint8Array): boolean {
  if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
  if (head.includes(0)) return false;
  for (let cut = 0; cut <= 3 && cut <= head.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(head.subarray(0, head.length - cut));
      return true;
    } catch {
      // try without a possibly truncated last character
    }
  }
  // Windows-1252 text (common in old mail) has no NUL and few control bytes.
  return head.every((b) => b >= 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0c);
}

/**
 * A file name cut to `max` characters keeping its extension: a 1,000-character "….pdf" stays a .pdf
 * (cutting first would lose the extension the type check needs). Never splits a surrogate pair.
 */
export function fitFileName(name: string, max = 255): string {
  const chars = Array.from(name);
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? Array.from(name.slice(dot)) : [];
  if (ext.length < 2 || ext.length > 16) return chars.slice(0, max).join('');
  return chars.slice(0, chars.length - ext.length).slice(0, max - ext.length).join('') + ext.join('');
}

/** A guess at what the content really is, for the rejection reason. */
export function sniff(head: Uint8Array, content?: DetectedContent): string | undefined {
  const starts = (hex: string, at = 0) => Buffer.from(hex, 'hex').every((b, i) => head[at + i] === b);
  if (starts('4D5A')) return 'a Windows program (MZ header)';
  if (starts('7F454C46')) return 'a Linux program (ELF header)';
  if (starts('CAFEBABE') || starts('CFFAEDFE') || starts('CEFAEDFE')) return 'a macOS program or Java class';
  if (starts('2321')) return 'a script (#!)';
  const byContent = typesOfContent(content)[0];
  if (byContent) return `${ATTACHMENT_TYPES[byContent].label} (${byContent})`;
  if (content) return `${content.mime} (.${content.ext})`;
  for (const [code, type] of Object.entries(ATTACHMENT_TYPES)) {
    if (type.signatures.length && matchesSignature(type, head)) return `${type.label} (${code})`;
  }
  return undefined;
}

export function judgeAttachment(
  a: { name: string; size: number; head: Uint8Array; tooLarge?: boolean; content?: DetectedContent },
  policy: { allowed: readonly string[]; maxBytes: number },
): AttachmentVerdict {
  if (a.tooLarge || a.size > policy.maxBytes) {
    return { saved: false, reason: `Larger than the limit of ${formatBytes(policy.maxBytes)} (EMAIL_ATT_FILESIZE)` };
  }
  if (a.size === 0) return { saved: false, reason: 'The file is empty (0 bytes)' };
  const dot = a.name.lastIndexOf('.');
  const ext = dot > 0 ? a.name.slice(dot + 1).toLowerCase() : '';
  if (!ext) return { saved: false, reason: 'The file name has no extension, so its type cannot be checked', detected: sniff(a.head, a.content) };
  if (policy.allowed.length === 0) return { saved: false, reason: 'No attachment types are permitted (EMAIL_ATT_FILETYPE has no active values)' };
  const candidates = attachmentTypesForFileName(a.name).filter((code) => policy.allowed.includes(code));
  if (candidates.length === 0) {
    return { saved: false, reason: `.${ext} files are not a permitted type (EMAIL_ATT_FILETYPE allows ${policy.allowed.join(', ')})`, detected: sniff(a.head, a.content) };
  }
  for (const code of candidates) {
    const type = ATTACHMENT_TYPES[code];
    // Text has no signature: it is text when it reads as text and no detector finds a binary format in it.
    if (type.text ? looksLikeText(a.head) && textual(a.content) : contentIsType(type, a.content)) return { saved: true, type: code };
  }
  const type = ATTACHMENT_TYPES[candidates[0]];
  const actually = sniff(a.head, a.content);
  return {
    saved: false,
    reason: `The name says ${type.label} (.${ext}) but the content is not one${actually ? `: it is ${actually}` : ''} (expected ${type.magic})`,
    detected: actually,
  };
}

const textual = (c: DetectedContent | undefined) => c === undefined || /^(text\/|application\/(xml|json)\b)/.test(c.mime);

const INLINE_IMAGES = ['PNG', 'JPG', 'GIF', 'BMP', 'WEBP'];

/** Inline images are kept for display when their content is an image, whatever EMAIL_ATT_FILETYPE says. */
export function judgeInlineImage(a: { size: number; head: Uint8Array; tooLarge?: boolean; content?: DetectedContent }, maxBytes: number): AttachmentVerdict {
  if (a.tooLarge || a.size > maxBytes) return { saved: false, reason: `Larger than the limit of ${formatBytes(maxBytes)} (EMAIL_ATT_FILESIZE)` };
  for (const code of INLINE_IMAGES) if (contentIsType(ATTACHMENT_TYPES[code], a.content)) return { saved: true, type: code };
  return { saved: false, reason: 'An inline part that is not a PNG, JPEG, GIF, BMP or WebP image', detected: sniff(a.head, a.content) };
}
