// Where a page may send the browser after sign-in, a password change or a bulk action: a path on this
// site, and nothing a browser could read as another origin. Browsers strip tabs and newlines from
// URLs and treat `\` as `/`, so `/\t/example.com` and `/\example.com` both mean `//example.com`
// (another site); a control character in a Location header is also a 500 in Node. The checks run on
// the value and on each percent-decoded form of it, so an encoded `%2F%2F` or `%09` does not pass.

const MAX_LENGTH = 2000;
// C0 controls (tab, CR, LF …), DEL and the C1 controls.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;

const unsafe = (path: string) => !path.startsWith('/') || path.startsWith('//') || path.includes('\\') || CONTROL.test(path);

// A Location header takes ASCII only (Node refuses anything past Latin-1 with a 500): characters
// outside printable ASCII are sent percent-encoded, which is how the browser would have sent them.
function asLocation(path: string): string | null {
  try {
    return path.replace(/[^\x21-\x7e]/gu, (c) => encodeURIComponent(c));
  } catch {
    return null; // a lone surrogate: not text at all
  }
}

/** `next` when it is a same-origin relative path that is safe to redirect to, else `fallback` (home). */
export function safeNextPath(next: unknown, fallback = '/'): string {
  if (typeof next !== 'string' || next.length === 0 || next.length > MAX_LENGTH || unsafe(next)) return fallback;
  let decoded = next;
  for (let i = 0; i < 3; i++) {
    let once: string;
    try {
      once = decodeURIComponent(decoded);
    } catch {
      return fallback;
    }
    if (unsafe(once)) return fallback;
    if (once === decoded) return asLocation(next) ?? fallback;
    decoded = once;
  }
  // Still changing after three rounds of decoding: nothing a real page links to.
  return fallback;
}
