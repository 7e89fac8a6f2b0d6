import { describe, expect, it } from 'vitest';
import { KeyedLimiter } from './limiter.ts';

describe('KeyedLimiter', () => {
  it('lets 4 through per key and queues the 5th until one finishes', async () => {
    const l = new KeyedLimiter(4);
    const releases = await Promise.all([1, 2, 3, 4].map(() => l.acquire('ASB@x')));
    expect(l.inFlight('asb@x')).toBe(4);
    let fifth = false;
    const p = l.acquire('asb@x').then((r) => {
      fifth = true;
      return r;
    });
    const other = await l.acquire('complaints@x'); // another mailbox is not held up
    await Promise.resolve();
    expect(fifth).toBe(false);
    releases[0]();
    const r5 = await p;
    expect(fifth).toBe(true);
    expect(l.inFlight('asb@x')).toBe(4);
    for (const r of [...releases.slice(1), r5, other]) r();
    expect(l.inFlight('asb@x')).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const l = new KeyedLimiter(1);
    const r = await l.acquire('a');
    r();
    r();
    const again = await l.acquire('a');
    expect(l.inFlight('a')).toBe(1);
    again();
  });
});
