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
