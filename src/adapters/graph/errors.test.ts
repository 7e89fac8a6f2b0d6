import { describe, expect, it } from 'vitest';
import { GraphAuthFailed, GraphCursorExpired, GraphNotFound, GraphPermanent, GraphPermissionMissing, GraphThrottled, GraphTooLarge, GraphTransient } from '../../app/ports/graph-errors.ts';
import { parseRetryAfter, translateGraphError } from './errors.ts';

const headers = (h: Record<string, string> = {}) => ({ get: (n: string) => h[n.toLowerCase()] ?? null });
const body = (code: string, message = 'm') => ({ error: { code, message } });

describe('parseRetryAfter', () => {
  it('reads delta-seconds', () => {
    expect(parseRetryAfter('7')).toBe(7000);
    expect(parseRetryAfter('0')).toBe(0);
  });
  it('reads an HTTP date relative to now', () => {
    const now = Date.parse('Wed, 25 Nov 2026 10:00:00 GMT');
    expect(parseRetryAfter('Wed, 25 Nov 2026 10:00:30 GMT', now)).toBe(30_000);
    expect(parseRetryAfter('Wed, 25 Nov 2026 09:00:00 GMT', now)).toBe(0);
  });
  it('ignores absent or unreadable values', () => {
    expect(parseRetryAfter(null)).toBeUndefined();
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('translateGraphError', () => {
  it('maps 429 to GraphThrottled with its Retry-After', () => {
    const e = translateGraphError(429, body('ApplicationThrottled'), headers({ 'retry-after': '3', 'request-id': 'r1' }));
    expect(e).toBeInstanceOf(GraphThrottled);
    expect((e as GraphThrottled).retryAfterMs).toBe(3000);
    expect(e.requestId).toBe('r1');
    expect(e.retryable).toBe(true);
  });
  it('maps 503 with Retry-After to throttled, without to transient', () => {
    expect(translateGraphError(503, undefined, headers({ 'retry-after': '1' }))).toBeInstanceOf(GraphThrottled);
    expect(translateGraphError(503, undefined, headers())).toBeInstanceOf(GraphTransient);
    expect(translateGraphError(500, body('generalException'), headers())).toBeInstanceOf(GraphTransient);
  });
  it('maps expired delta tokens to GraphCursorExpired whatever the status', () => {
    expect(translateGraphError(410, body('SyncStateNotFound'), headers())).toBeInstanceOf(GraphCursorExpired);
    expect(translateGraphError(400, body('syncStateNotFound'), headers())).toBeInstanceOf(GraphCursorExpired);
    expect(translateGraphError(400, { error: { code: 'BadRequest', innerError: { code: 'resyncRequired' } } }, headers())).toBeInstanceOf(GraphCursorExpired);
  });
  it('maps auth, permission, not-found, size and the rest', () => {
    expect(translateGraphError(401, body('InvalidAuthenticationToken'), headers())).toBeInstanceOf(GraphAuthFailed);
    expect(translateGraphError(403, body('ErrorAccessDenied'), headers())).toBeInstanceOf(GraphPermissionMissing);
    expect(translateGraphError(404, body('ErrorItemNotFound'), headers())).toBeInstanceOf(GraphNotFound);
    expect(translateGraphError(400, body('ErrorInvalidUser'), headers())).toBeInstanceOf(GraphNotFound);
    expect(translateGraphError(413, undefined, headers())).toBeInstanceOf(GraphTooLarge);
    const p = translateGraphError(400, body('ErrorInvalidRecipients', 'bad address'), headers());
    expect(p).toBeInstanceOf(GraphPermanent);
    expect(p.message).toBe('Graph 400 ErrorInvalidRecipients: bad address');
    expect(p.retryable).toBe(false);
  });
});
