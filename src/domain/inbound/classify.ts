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

/** Plain-text alternative of an HTML body: tags and scripts out, entities decoded, whitespace tidied. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head|title)[^>]*>[\s\S]*?<\/\1\s*>/gi, ' ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6])\s*>/gi, '\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/gi, ' ')
    .replace(/&lt;/gi, '<')
    .replace(/&gt;/gi, '>')
    .replace(/&quot;/gi, '"')
    .replace(/&#39;|&apos;/gi, "'")
    .replace(/&#(\d{1,6});/g, (_, d) => safeChar(Number(d)))
    .replace(/&#x([0-9a-f]{1,6});/gi, (_, h) => safeChar(parseInt(h, 16)))
    .replace(/&amp;/gi, '&')
    .replace(/[ \t\f\v]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

function safeChar(code: number): string {
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\uFFFD';
  return String.fromCodePoint(code);
}
