import { describe, expect, it } from 'vitest';
import { canMove, MAX_ATTEMPTS, verdictFor } from './outbox.ts';

describe('outbox state machine', () => {
  it('allows the documented moves only', () => {
    expect(canMove('queued', 'sending')).toBe(true);
    expect(canMove('sending', 'sent')).toBe(true);
    expect(canMove('failed', 'sending')).toBe(true);
    expect(canMove('dead', 'queued')).toBe(true);
    expect(canMove('sent', 'queued')).toBe(false);
    expect(canMove('dead', 'sent')).toBe(false);
    expect(canMove('held', 'dead')).toBe(false);
  });
});

describe('what a failed attempt leads to', () => {
  const half = () => 0.5;
  it('waits as long as Retry-After said when throttled', () => {
    expect(verdictFor({ kind: 'throttled', retryable: true, message: 'm', retryAfterMs: 7000 }, 1)).toEqual({ status: 'failed', retryInMs: 7000 });
  });
  it('backs off exponentially on transient trouble, capped at an hour', () => {
    const t = (n: number) => (verdictFor({ kind: 'transient', retryable: true, message: 'm' }, n, half) as { retryInMs: number }).retryInMs;
    expect(t(1)).toBe(Math.round(30_000 * 0.875));
    expect(t(2)).toBe(Math.round(60_000 * 0.875));
    expect(t(11)).toBe(Math.round(3_600_000 * 0.875));
  });
  it('makes permanent errors dead at once with the reason', () => {
    expect(verdictFor({ kind: 'permanent', retryable: false, message: 'Graph 400 ErrorInvalidRecipients: bad' }, 1)).toEqual({ status: 'dead', reason: 'Graph 400 ErrorInvalidRecipients: bad' });
    expect(verdictFor({ kind: 'not_found', retryable: false, message: 'no mailbox' }, 1).status).toBe('dead');
  });
  it('keeps retrying auth and permission problems slowly (an admin fixes them), then gives up', () => {
    const v = verdictFor({ kind: 'permission_missing', retryable: false, message: 'denied' }, 1, half);
    expect(v).toEqual({ status: 'failed', retryInMs: Math.round(300_000 * 0.875) });
    expect(verdictFor({ kind: 'auth_failed', retryable: false, message: 'bad secret' }, MAX_ATTEMPTS).status).toBe('dead');
  });
});
