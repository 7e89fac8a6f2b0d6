// What kind of inbound email this is, from its headers and addresses (pure).

export type Disposition = 'new' | 'threaded' | 'auto_reply' | 'own';

export interface Header {
  name: string;
  value: string;
}

const header = (headers: readonly Header[], name: string) => headers.find((h) => h.name.toLowerCase() === name)?.value?.trim();

/**
 * Auto-replies and out-of-office notices (RFC 3834 Auto-Submitted; Exchange's X-Auto-Response-Suppress;
 * Precedence: bulk/junk/auto_reply) are recorded but raise no task — and a reply to them would loop.
 */
export function autoReplyReason(headers: readonly Header[]): string | null {
  const auto = header(headers, 'auto-submitted');
  if (auto && auto.toLowerCase() !== 'no') return `Auto-Submitted: ${auto}`;
  const suppress = header(headers, 'x-auto-response-suppress');
  if (suppress) return `X-Auto-Response-Suppress: ${suppress}`;
  const precedence = header(headers, 'precedence')?.toLowerCase();
  if (precedence && ['bulk', 'junk', 'auto_reply', 'auto-reply', 'list'].includes(precedence)) return `Precedence: ${precedence}`;
  if (header(headers, 'x-autoreply') || header(headers, 'x-autorespond')) return 'X-Autoreply';
  // Read receipts (MDN, RFC 8098), delivery and non-delivery reports (DSN, RFC 3464) and any other
  // report (RFC 6522): a multipart/report of whatever report-type. Mail software sends them, not people.
  const type = header(headers, 'content-type');
  if (type && /^multipart\/report\b/i.test(type)) {
    const reportType = /;\s*report-type\s*=\s*"?([\w.+-]{1,100})/i.exec(type)?.[1];
    return `Content-Type: multipart/report${reportType ? `; report-type=${reportType}` : ''}`;
  }
  if (header(headers, 'x-ms-exchange-message-is-ndr') !== undefined) return 'X-MS-Exchange-Message-Is-Ndr';
  return null;
}

/** Fields a sender writes in a message's header block (RFC 5322 §3.6); a mail server adds none of them. */
const SENDER_FIELDS = ['from', 'sender', 'reply-to', 'to', 'cc', 'subject'];

/**
 * Why this is not an email at all (garbage bytes, or text without a header block, handed to a mail
 * server), or null. Exchange still delivers such input: it adds its own trace fields (Received,
 * Message-ID, Date …), shows the envelope sender as From and leaves the subject empty — so from
 * Graph it looks like a message "(no subject)" from whoever connected. What gives it away is the
 * header block: mail that came from outside carries `internetMessageHeaders`, and a real email has at
 * least one field its sender wrote. Mail sent inside the tenant has no internet headers at all; it is
 * an email when it has a sender.
 */
export function notAnEmailReason(m: { headers?: readonly Header[]; hasSender: boolean }): string | null {
  const hs = m.headers ?? [];
  if (hs.length > 0 && !hs.some((h) => SENDER_FIELDS.includes(h.name.toLowerCase()))) {
    return 'Not an email: it has no header block (no From, To, Cc, Subject or Reply-To field), so it is not treated as mail from anyone';
  }
  if (hs.length === 0 && !m.hasSender) return 'Not an email: it has neither internet headers nor a sender';
  return null;
}

/** Message-ids in In-Reply-To / References ("<a@b> <c@d>"), bounded: a hostile header can hold thousands. */
export function messageIds(value: string | undefined, max = 50): string[] {
  if (!value) return [];
  const ids = value.match(/<[^<>\s]{1,500}>/g) ?? [];
  return [...new Set(ids)].slice(-max);
}

export function threadingIds(headers: readonly Header[]): { inReplyTo: string | null; references: string[] } {
  const inReplyTo = messageIds(header(headers, 'in-reply-to'))[0] ?? null;
  return { inReplyTo, references: messageIds(header(headers, 'references')) };
}

/** PostgreSQL text cannot hold NUL; hostile mail can. Also bounds absurd lengths. */
export function cleanText(s: string | null | undefined, max = 10_000_000): string | null {
  if (s === null || s === undefined) return null;
  const out = s.replace(/\u0000/g, '\uFFFD');
  return out.length > max ? out.slice(0, max) : out;
}

export { htmlToText } from './html-text.ts';
