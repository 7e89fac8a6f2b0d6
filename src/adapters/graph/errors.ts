/**
 * Graph's errors → housing365's coded errors (src/app/ports/graph-errors.ts). The only place that
 * knows Graph's status codes and error codes.
 * https://learn.microsoft.com/graph/errors
 */
import {
  GraphAuthFailed,
  GraphCursorExpired,
  GraphNotFound,
  GraphPermanent,
  GraphPermissionMissing,
  GraphThrottled,
  GraphTooLarge,
  GraphTransient,
  type GraphFailure,
} from '../../app/ports/graph-errors.ts';

export {
  GraphAuthFailed,
  GraphCursorExpired,
  GraphNotFound,
  GraphPermanent,
  GraphPermissionMissing,
  GraphThrottled,
  GraphTooLarge,
  GraphTransient,
};

/** Graph's error body: `{"error":{"code","message","innerError":{…}}}`. */
export interface GraphErrorBody {
  error?: { code?: string; message?: string; innerError?: { code?: string; 'request-id'?: string } };
}

/**
 * Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns milliseconds,
 * or undefined when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, now: number = Date.now()): number | undefined {
  if (value === null || value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

// Delta tokens that Graph no longer knows come back as 410 Gone, or (mail) as 400/404 with these codes.
const cursorCodes = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid', 'invaliddeltatoken', 'errorinvalidsyncstatedata']);
const notFoundCodes = new Set(['erroritemnotfound', 'itemnotfound', 'resourcenotfound', 'errorinvaliduser', 'mailboxnotenabledforrestapi', 'request_resourcenotfound', 'errornonexistentmailbox']);

/** Translates one failed response. `body` is the parsed JSON body when there was one. */
export function translateGraphError(status: number, body: unknown, headers: { get(name: string): string | null }, now = Date.now()): GraphFailure {
  const err = (body as GraphErrorBody | undefined)?.error;
  const code = err?.code ?? '';
  const lower = code.toLowerCase();
  const inner = err?.innerError?.code?.toLowerCase() ?? '';
  const requestId = headers.get('request-id') ?? err?.innerError?.['request-id'] ?? undefined;
  const message = `Graph ${status}${code ? ` ${code}` : ''}: ${err?.message ?? 'no error message'}`;

  if (status === 410 || cursorCodes.has(lower) || cursorCodes.has(inner)) return new GraphCursorExpired(message, code, status, requestId);
  if (status === 429) return new GraphThrottled(message, parseRetryAfter(headers.get('retry-after'), now), code, status, requestId);
  if ((status === 503 || status === 504) && headers.get('retry-after')) {
    return new GraphThrottled(message, parseRetryAfter(headers.get('retry-after'), now), code, status, requestId);
  }
  if (status >= 500) return new GraphTransient(message, code, status, requestId);
  if (status === 401) return new GraphAuthFailed(message, code, status, requestId);
  if (status === 403) return new GraphPermissionMissing(message, code, status, requestId);
  if (status === 404 || notFoundCodes.has(lower)) return new GraphNotFound(message, code, status, requestId);
  if (status === 413 || lower === 'errormessagesizeexceeded' || lower === 'requestentitytoolarge') return new GraphTooLarge(message, code, status, requestId);
  return new GraphPermanent(message, code, status, requestId);
}

/** A request that never got an answer (connection refused/reset, TLS, time-out). */
export function networkFailure(err: unknown, what: string): GraphTransient {
  const e = err as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  const reason = e?.name === 'TimeoutError' || e?.name === 'AbortError' ? 'timed out' : (e?.cause?.code ?? e?.cause?.message ?? e?.message ?? String(err));
  return new GraphTransient(`${what}: no answer from Graph (${reason})`, e?.name === 'TimeoutError' ? 'timeout' : 'network');
}
