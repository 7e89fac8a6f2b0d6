/**
 * Outlook's per-app-per-mailbox limits (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits):
 * 4 concurrent requests and 10,000 requests per 10 minutes. Beyond → 429 ApplicationThrottled.
 */
export interface ThrottleOptions {
  concurrency: number;
  requestsPerWindow: number;
  windowMs: number;
}

export const defaultThrottle: ThrottleOptions = { concurrency: 4, requestsPerWindow: 10_000, windowMs: 10 * 60_000 };

interface Bucket {
  inFlight: number;
  windowStart: number;
  count: number;
}

export type Admission = { ok: true; release: () => void } | { ok: false; retryAfterSeconds: number; reason: 'concurrency' | 'rate' };

export class Throttle {
  private buckets = new Map<string, Bucket>();
  constructor(public options: ThrottleOptions, private nowMs: () => number) {}

  admit(key: string): Admission {
    const now = this.nowMs();
    let b = this.buckets.get(key);
    if (!b) {
      b = { inFlight: 0, windowStart: now, count: 0 };
      this.buckets.set(key, b);
    }
    if (now - b.windowStart >= this.options.windowMs) {
      b.windowStart = now;
      b.count = 0;
    }
    if (b.count >= this.options.requestsPerWindow) {
      return { ok: false, reason: 'rate', retryAfterSeconds: Math.max(1, Math.ceil((b.windowStart + this.options.windowMs - now) / 1000)) };
    }
    if (b.inFlight >= this.options.concurrency) {
      return { ok: false, reason: 'concurrency', retryAfterSeconds: 1 };
    }
    b.count++;
    b.inFlight++;
    let released = false;
    const bucket = b;
    return {
      ok: true,
      release: () => {
        if (released) return;
        released = true;
        bucket.inFlight--;
      },
    };
  }

  reset(): void {
    this.buckets.clear();
  }
}
