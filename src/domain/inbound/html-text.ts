// HTML → plain text for inbound mail (the task's text body, search, previews). Hostile mail must not
// be able to make this slow: html-to-text parses with htmlparser2 10, whose open-element stack is an
// array it `unshift`s per start tag — quadratic in nesting depth (200,000 unclosed <div>s: seconds).
// sanitize-html's parser (htmlparser2 8, push/pop) is linear, so it first drops every element nested
// deeper than NESTING_LIMIT (their text stays); html-to-text then walks a tree of bounded depth.
// Both passes are linear in the input (issue 14 §5).
import { convert, type HtmlToTextOptions } from 'html-to-text';
import sanitizeHtml from 'sanitize-html';

const NESTING_LIMIT = 100;
/** Past this the text is cut: no task needs more than 16 M characters of body text. */
const MAX_INPUT = 16_000_000;

const FLATTEN: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: { a: ['href'], img: ['alt'], td: ['colspan'], th: ['colspan'], ol: ['start'] },
  allowedSchemes: ['http', 'https', 'mailto', 'tel'],
  nestingLimit: NESTING_LIMIT,
  allowVulnerableTags: true,
  // Their content is not text a reader sees.
  nonTextTags: ['style', 'script', 'textarea', 'option', 'noscript', 'head', 'title', 'template', 'svg', 'math'],
};

const TO_TEXT: HtmlToTextOptions = {
  wordwrap: false,
  limits: { maxInputLength: MAX_INPUT, ellipsis: ' …' },
  selectors: [
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'h4', options: { uppercase: false } },
    { selector: 'h5', options: { uppercase: false } },
    { selector: 'h6', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false, maxColumnWidth: 10_000 } },
  ],
};

/** Plain-text alternative of an HTML body: tags, styles and scripts out, entities decoded, whitespace tidied. */
export function htmlToText(html: string): string {
  const flat = sanitizeHtml(html.length > MAX_INPUT ? html.slice(0, MAX_INPUT) : html, FLATTEN);
  return convert(flat, TO_TEXT)
    .replace(/\u0000/g, '\uFFFD')
    .replace(/[ \t\f\v\u00a0]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}
