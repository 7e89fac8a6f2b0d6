/**
 * HTML → text, the one converter for every place the emulator needs text from an HTML body
 * (bodyPreview of messages and events, `Prefer: outlook.body-content-type="text"`, meeting mail).
 * Linear in the input, as Exchange is: html-to-text's own parser (htmlparser2 10) `unshift`s its
 * open-element stack per start tag — quadratic in nesting depth — so sanitize-html (htmlparser2 8,
 * push/pop) first drops every element nested deeper than 100, keeping its text.
 */
import { convert, type HtmlToTextOptions } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

const MAX_INPUT = 16_000_000;

const FLATTEN: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: { td: ['colspan'], th: ['colspan'], ol: ['start'] },
  nestingLimit: 100,
  allowVulnerableTags: true,
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'head', 'title', 'template', 'svg', 'math'],
};

const TO_TEXT: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: MAX_INPUT },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({ selector, options: { uppercase: false } })),
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 10_000 } },
  ],
};

/** The text of an HTML body, lines kept (blank runs collapsed). */
export function htmlToText(html: string): string {
  const flat = sanitizeHtml(html.length > MAX_INPUT ? html.slice(0, MAX_INPUT) : html, FLATTEN);
  return convert(flat, TO_TEXT).replace(/[ \t\f\v\u00a0]+/g, ' ').replace(/ *\n */g, '\n').replace(/\n{3,}/g, '\n\n').trim();
}

/** One line of text, for previews. */
export function htmlToOneLine(html: string): string {
  return htmlToText(html).replace(/\s+/g, ' ').trim();
}
