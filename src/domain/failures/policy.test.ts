import { describe, expect, it } from 'vitest';
import { decideFailure, endsTheRun, FLOW_RULES, type FailureKind, type Flow } from './policy.ts';

const half = () => 0.5;
const f = (kind: FailureKind, extra: { retryAfterMs?: number } = {}) => ({ kind, message: `${kind} happened`, ...extra });

describe('the one failure policy', () => {
  it('resyncs any flow whose delta cursor expired', () => {
    for (const flow of Object.keys(FLOW_RULES) as Flow[]) {
      expect(decideFailure(flow, 'run', f('cursor_expired'), 1)).toEqual({ action: 'resync' });
      expect(decideFailure(flow, 'item', f('cursor_expired'), 1)).toEqual({ action: 'resync' });
    }
  });

  it('retries a failed run for ever, with backoff doubling to its ceiling', () => {
    const wait = (n: number) => (decideFailure('inbox-sync', 'run', f('transient'), n, half) as { inMs: number }).inMs;
    expect(wait(1)).toBe(26_250);
    expect(wait(2)).toBe(52_500);
    expect(wait(1000)).toBe(Math.round(30 * 60_000 * 0.875));
    expect(decideFailure('calendar-sync', 'run', f('permanent'), 50).action).toBe('retry');
  });

  it("waits as long as Graph's Retry-After says, and a push also its own backoff when longer", () => {
    expect(decideFailure('email-outbox', 'item', f('throttled', { retryAfterMs: 7000 }), 1)).toEqual({ action: 'retry', inMs: 7000, alert: false });
    expect(decideFailure('calendar-push', 'item', f('throttled', { retryAfterMs: 2000 }), 3)).toEqual({ action: 'retry', inMs: 40_000, alert: false });
    expect(decideFailure('calendar-push', 'item', f('throttled', { retryAfterMs: 90_000 }), 1)).toEqual({ action: 'retry', inMs: 90_000, alert: false });
  });

  it('retries credential and permission trouble slowly and flags it for an admin', () => {
    const v = decideFailure('email-outbox', 'item', f('auth_failed'), 1, half);
    expect(v).toEqual({ action: 'retry', inMs: Math.round(5 * 60_000 * 0.875), alert: true });
    expect(decideFailure('inbox-sync', 'run', f('permission_missing'), 1, half)).toMatchObject({ action: 'retry', alert: true });
  });

  it('dead-letters a queued item no retry can fix, and one that keeps failing', () => {
    expect(decideFailure('email-outbox', 'item', f('permanent'), 1)).toEqual({ action: 'dead', reason: 'permanent happened' });
    expect(decideFailure('calendar-push', 'item', f('not_found'), 1).action).toBe('dead');
    expect(decideFailure('calendar-push', 'item', f('too_large'), 1).action).toBe('dead');
    expect(decideFailure('email-outbox', 'item', f('transient'), 11).action).toBe('retry');
    expect(decideFailure('email-outbox', 'item', f('transient'), 12)).toEqual({ action: 'dead', reason: 'gave up after 12 attempts: transient happened' });
    expect(decideFailure('email-outbox', 'item', f('auth_failed'), 12).action).toBe('dead');
    expect(decideFailure('calendar-push', 'item', f('internal'), 8).action).toBe('dead');
  });

  it('in a sync, ends the run on Graph trouble but sets a bad item aside and carries on', () => {
    expect(decideFailure('calendar-sync', 'item', f('throttled'), 1).action).toBe('retry');
    expect(decideFailure('calendar-sync', 'item', f('transient'), 1).action).toBe('retry');
    expect(decideFailure('calendar-sync', 'item', f('not_found'), 1)).toEqual({ action: 'skip', reason: 'not_found happened' });
    expect(decideFailure('calendar-sync', 'item', f('internal'), 1)).toEqual({ action: 'skip', reason: 'gave up after 1 attempt: internal happened' });
    // An email that fails to import is tried again on the next runs, then parked.
    expect(decideFailure('inbox-sync', 'item', f('internal'), 2).action).toBe('retry');
    expect(decideFailure('inbox-sync', 'item', f('internal'), 3).action).toBe('skip');
  });

  it('names the failures that end a run', () => {
    expect((['throttled', 'transient', 'cursor_expired', 'auth_failed', 'permission_missing'] as const).every(endsTheRun)).toBe(true);
    expect((['not_found', 'permanent', 'too_large', 'internal'] as const).some(endsTheRun)).toBe(false);
  });
});
