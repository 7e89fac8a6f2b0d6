import { Readable } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { AppError, type FieldProblem } from '../../errors.ts';

// Text that no field of housing365 can hold, refused once for every route and page form before any
// handler sees it: PostgreSQL rejects U+0000 in text (a 500 deep inside a query otherwise), and a lone
// UTF-16 surrogate cannot be encoded as UTF-8 at all (it would be stored as U+FFFD, silently changed).
// Keys are checked as well as values, so `{"a\u0000": …}` is refused too.

const MAX_DEPTH = 32;
// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function badText(s: string): string | null {
  if (s.includes('\u0000')) return 'must not contain a NUL character (U+0000)';
  if (LONE_SURROGATE.test(s)) return 'must not contain a lone surrogate (text that is not valid Unicode)';
  return null;
}

/** The first field (dotted path) holding text no field may hold, with why; null when all is well. */
export function findBadText(value: unknown, path: string[] = [], depth = 0): FieldProblem | null {
  const field = () => path.join('.') || 'body';
  if (typeof value === 'string') {
    const why = badText(value);
    return why ? { field: field(), message: `${field()} ${why}` } : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > MAX_DEPTH) return { field: field(), message: `${field()} is nested too deeply` };
  for (const [k, v] of Object.entries(value)) {
    const keyWhy = badText(k);
    if (keyWhy) {
      const name = [...path, JSON.stringify(k).slice(1, -1)].join('.');
      return { field: name, message: `The field name ${name} ${keyWhy}` };
    }
    const found = findBadText(v, [...path, k], depth + 1);
    if (found) return found;
  }
  return null;
}

/** One preValidation hook on every route (API, pages, webhooks): path parameters, query string, body. */
export function registerInputGuard(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    // A streamed body (a file to POST /email-attachments) is bytes, not text: not walked.
    const body = request.body instanceof Readable ? undefined : request.body;
    const found = findBadText(request.params) ?? findBadText(request.query) ?? findBadText(body);
    if (found) throw new AppError('bad_request', found.message, [found]);
  });
}
