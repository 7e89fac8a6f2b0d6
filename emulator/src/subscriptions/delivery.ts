// Delivery of change and lifecycle notifications to webhook URLs.
// https://learn.microsoft.com/graph/change-notifications-delivery-webhooks
// - Notifications for the same URL raised within a few ms go out in one POST `{"value":[…]}`.
// - A delivery succeeds on a 2xx within 3 s; otherwise Graph "tries to resend the change
//   notification multiple times, for up to 4 hours", then discards it. We retry with exponential
//   backoff, timed by the emulator clock: advancing the clock (`POST /_emulator/clock`) makes due
//   retries fire at once, and past the retry window the batch is dropped and each subscription
//   with a lifecycleNotificationUrl gets a `missed` lifecycle notification.
import type { Clock, ModuleHost } from '../contracts.ts';

export interface DeliveryConfig {
  /** A receiver slower than this counts as failed (Graph: 3 s). */
  timeoutMs: number;
  /** Notifications for one URL raised within this window share a POST. */
  batchDelayMs: number;
  /** First retry delay; doubles each attempt up to retryMaxMs. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** Give up after this long (emulator clock) since the first attempt (Graph: 4 hours). */
  retryWindowMs: number;
  /** The validation handshake must answer within this (Graph: 10 s). */
  validationTimeoutMs: number;
}

export const defaultDeliveryConfig: DeliveryConfig = {
  timeoutMs: 3_000,
  batchDelayMs: 5,
  retryBaseMs: 1_000,
  retryMaxMs: 60_000,
  retryWindowMs: 4 * 60 * 60 * 1000,
  validationTimeoutMs: 10_000,
};

export interface DeliveryRecord {
  at: string;
  url: string;
  kind: 'change' | 'lifecycle' | 'validation';
  attempt: number;
  count: number;
  status?: number;
  ok: boolean;
  error?: string;
  durationMs: number;
  subscriptionIds: string[];
}

interface Batch {
  url: string;
  kind: 'change' | 'lifecycle';
  items: Record<string, unknown>[];
  subscriptionIds: Set<string>;
  attempt: number;
  firstAttemptEmuMs: number;
  dueEmuMs: number;
  timer?: NodeJS.Timeout;
}

export class Deliverer {
  config: DeliveryConfig;
  readonly records: DeliveryRecord[] = [];
  private pending = new Map<string, Batch>();
  private retries = new Set<Batch>();
  private generation = 0;

  constructor(
    private host: ModuleHost,
    private clock: Clock,
    config: Partial<DeliveryConfig>,
    /** Called when a change batch is dropped after the retry window. */
    private onGiveUp: (subscriptionIds: string[]) => void,
  ) {
    this.config = { ...defaultDeliveryConfig, ...config };
    clock.onAdvance((now) => {
      for (const b of [...this.retries]) if (b.dueEmuMs <= now) this.fireRetry(b);
    });
  }

  /** Queue one notification; POSTed with others for the same URL after batchDelayMs. */
  enqueue(url: string, kind: 'change' | 'lifecycle', item: Record<string, unknown>, subscriptionId: string): void {
    const key = `${kind} ${url}`;
    let b = this.pending.get(key);
    if (!b) {
      b = { url, kind, items: [], subscriptionIds: new Set(), attempt: 0, firstAttemptEmuMs: 0, dueEmuMs: 0 };
      this.pending.set(key, b);
      const batch = b;
      const gen = this.generation;
      setTimeout(() => {
        if (gen !== this.generation) return;
        this.pending.delete(key);
        batch.firstAttemptEmuMs = this.clock.nowMs();
        void this.attempt(batch, gen);
      }, this.config.batchDelayMs).unref();
    }
    b.items.push(item);
    b.subscriptionIds.add(subscriptionId);
  }

  /** Drops everything queued (state reset). */
  clear(): void {
    this.generation++;
    for (const b of this.retries) if (b.timer) clearTimeout(b.timer);
    this.retries.clear();
    this.pending.clear();
  }

  record(r: DeliveryRecord): void {
    this.records.push(r);
    if (this.records.length > 500) this.records.splice(0, this.records.length - 500);
  }

  private async attempt(b: Batch, gen: number): Promise<void> {
    if (gen !== this.generation) return;
    b.attempt++;
    const started = Date.now();
    let status: number | undefined;
    let error: string | undefined;
    try {
      const res = await this.host.httpPost(b.url, JSON.stringify({ value: b.items }), {
        headers: { 'content-type': 'application/json; charset=utf-8' },
        timeoutMs: this.config.timeoutMs,
      });
      status = res.status;
    } catch (e) {
      error = (e as Error).message;
    }
    const durationMs = Date.now() - started;
    const ok = status !== undefined && status >= 200 && status < 300 && durationMs <= this.config.timeoutMs;
    if (!ok && !error) error = status !== undefined && status >= 200 && status < 300 ? `answered after ${durationMs} ms (limit ${this.config.timeoutMs} ms)` : `HTTP ${status}`;
    this.record({
      at: this.clock.now().toISOString(), url: b.url, kind: b.kind, attempt: b.attempt, count: b.items.length, status, ok, error, durationMs,
      subscriptionIds: [...b.subscriptionIds],
    });
    if (ok || gen !== this.generation) return;
    const delay = Math.min(this.config.retryBaseMs * 2 ** (b.attempt - 1), this.config.retryMaxMs);
    const now = this.clock.nowMs();
    if (now + delay - b.firstAttemptEmuMs > this.config.retryWindowMs) {
      this.host.log(`notification delivery to ${b.url} dropped after ${b.attempt} attempts`);
      if (b.kind === 'change') this.onGiveUp([...b.subscriptionIds]);
      return;
    }
    b.dueEmuMs = now + delay;
    this.retries.add(b);
    b.timer = setTimeout(() => this.fireRetry(b), delay);
    b.timer.unref();
  }

  private fireRetry(b: Batch): void {
    if (!this.retries.delete(b)) return;
    if (b.timer) clearTimeout(b.timer);
    void this.attempt(b, this.generation);
  }
}
