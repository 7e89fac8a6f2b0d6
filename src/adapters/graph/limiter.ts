/**
 * At most N requests in flight per mailbox. Exchange Online throttles per app *per mailbox* and
 * allows 4 concurrent requests (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits);
 * a 5th would only earn a 429. One limiter lives in the process's Graph client, so every flow
 * (outbox, inbox poll, calendar push) shares the same queue for a mailbox.
 */
export class KeyedLimiter {
  private readonly slots = new Map<string, { active: number; waiting: (() => void)[] }>();

  constructor(private readonly perKey: number) {}

  async acquire(key: string): Promise<() => void> {
    const k = key.toLowerCase();
    let s = this.slots.get(k);
    if (!s) {
      s = { active: 0, waiting: [] };
      this.slots.set(k, s);
    }
    if (s.active >= this.perKey) {
      await new Promise<void>((resolve) => s!.waiting.push(resolve));
    } else {
      s.active++;
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = s!.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else {
        s!.active--;
        if (s!.active === 0) this.slots.delete(k);
      }
    };
  }

  /** For tests and metrics: requests in flight for a key. */
  inFlight(key: string): number {
    return this.slots.get(key.toLowerCase())?.active ?? 0;
  }
}
