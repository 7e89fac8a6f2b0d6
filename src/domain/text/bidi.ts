// Names that other people chose — attachment file names, senders' and recipients' display names — may
// carry Unicode bidirectional controls. U+202E (RIGHT-TO-LEFT OVERRIDE) makes "invoice\u202Efdp.exe"
// read as "invoiceexe.pdf"; the isolates and embeddings do the same more quietly. Such a name is
// shown, and sent (Content-Disposition), only after neutralising them (issue 13 §9): each control
// becomes U+FFFD, so the name reads in its real order and the reader sees that something was there.
// The stored original is kept (the API gives both, see docs/security-visibility.md).

/** U+061C ALM, U+200E LRM, U+200F RLM, U+202A–U+202E embeddings and overrides, U+2066–U+2069 isolates. */
export const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g;

const REPLACEMENT = '\uFFFD';

/** The name with every bidi control replaced by U+FFFD (null and undefined pass through). */
export function displaySafeName<T extends string | null | undefined>(name: T): T {
  if (typeof name !== 'string') return name;
  return name.replace(BIDI_CONTROLS, REPLACEMENT) as T;
}

/** Whether the text holds a bidi control (for tests and for flagging a name). */
export function hasBidiControl(text: string): boolean {
  return new RegExp(BIDI_CONTROLS.source).test(text);
}

/**
 * A Content-Disposition value for downloading a file named `name` (RFC 6266): an ASCII `filename`
 * fallback (anything else, and `"` `\`, as `_`) and the UTF-8 `filename*` (RFC 5987), both from the
 * display-safe name, so a saved file is never named with a bidi control.
 */
export function attachmentDisposition(name: string): string {
  const safe = displaySafeName(name).replace(/[\u0000-\u001f\u007f]/g, REPLACEMENT);
  const ascii = safe.replace(/[^\x20-\x7e]|["\\]/g, '_') || 'download';
  const encoded = encodeURIComponent(safe).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
