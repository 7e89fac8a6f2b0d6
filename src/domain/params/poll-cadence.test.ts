import { describe, expect, it } from 'vitest';
import { isPollDue, nextPollDue, POLL_TICK_MS } from './poll-cadence.ts';

describe('poll cadence', () => {
  it('is due at once when there was no run yet', () => {
    expect(isPollDue(null, 1, new Date(0))).toBe(true);
    expect(nextPollDue(null, 5)).toBeNull();
  });

  it('gives runs every minute with EMI_POLL = 1 when the scheduler ticks every few seconds', () => {
    const starts: number[] = [];
    let last: Date | null = null;
    for (let t = 0; t <= 10 * 60_000; t += POLL_TICK_MS) {
      if (isPollDue(last, 1, new Date(t))) {
        starts.push(t);
        last = new Date(t);
      }
    }
    expect(starts.slice(1).map((s, i) => s - starts[i])).toEqual(Array(10).fill(60_000));
  });

  it('counts from the start of the last run, however long it took', () => {
    expect(isPollDue(new Date(0), 5, new Date(4 * 60_000 + 57_000))).toBe(false);
    expect(isPollDue(new Date(0), 5, new Date(4 * 60_000 + 58_000))).toBe(true);
  });
});
