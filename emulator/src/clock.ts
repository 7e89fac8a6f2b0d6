import type { Clock } from './contracts.ts';

/** Wall clock plus an offset the admin API can advance (never rewind: expiries only move forward). */
export function createClock(initialOffsetMs = 0, onChange?: (offsetMs: number) => void): Clock & { offsetMs(): number } {
  let offset = initialOffsetMs;
  const listeners = new Set<(nowMs: number) => void>();
  return {
    now: () => new Date(Date.now() + offset),
    nowMs: () => Date.now() + offset,
    offsetMs: () => offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new Error('advanceMs must be a non-negative number');
      offset += ms;
      onChange?.(offset);
      const now = Date.now() + offset;
      for (const l of listeners) {
        try { l(now); } catch { /* a listener's failure must not stop the others */ }
      }
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
