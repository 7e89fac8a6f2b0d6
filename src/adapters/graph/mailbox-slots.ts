/**
 * Graph's per-mailbox limit of 4 concurrent requests, held across every housing365 process that shares
 * the database (https://learn.microsoft.com/graph/throttling-limits#outlook-service-limits: the limit is
 * per app per mailbox, so two workers each keeping 4 in flight would earn 429s).
 *
 * Design: each mailbox has 4 slot rows in graph_mailbox_slots. A process *leases* a slot (holder id,
 * lease_until = now + 15 s) and keeps it while it has requests queued for that mailbox, so a burst of
 * requests costs one claim, not one per request; a heartbeat renews the leases it holds. A slot goes
 * back to the table when the process's queue for the mailbox has been empty for `lingerMs`, and after
 * `holdMs` even when work is queued, so a busy process cannot starve another one waiting for the same
 * mailbox. A process that is killed holds its slots until the lease runs out (at most `leaseMs`): the
 * trade-off between a short lease (more heartbeats) and a long one (slots stuck after kill -9).
 * Waiting for a slot polls the table every `pollMs` (with jitter). Within a process, the leased slots
 * are shared as the in-process KeyedLimiter shares its four.
 */
import { randomUUID } from 'node:crypto';
import { claimSlot, ensureSlotRows, releaseAllSlots, releaseSlot, renewSlots, type SlotDb } from '../db/mailbox-slots.ts';

/** What the Graph transport needs from a limiter (KeyedLimiter implements it in one process). */
export interface MailboxLimiter {
  acquire(key: string): Promise<() => void>;
}

export interface MailboxSlotsOptions {
  perKey?: number;
  leaseMs?: number;
  holdMs?: number;
  lingerMs?: number;
  pollMs?: number;
  holder?: string;
  onError?: (err: unknown) => void;
}

interface Lease {
  slot: number;
  since: number;
}

interface KeyState {
  leases: Lease[];
  /** Leases in use by a request right now. */
  busy: Set<Lease>;
  waiting: ((lease: Lease) => void)[];
  claiming: boolean;
  retry?: NodeJS.Timeout;
  linger?: NodeJS.Timeout;
}

export class MailboxSlots implements MailboxLimiter {
  readonly holder: string;
  private readonly keys = new Map<string, KeyState>();
  private readonly rowsMade = new Set<string>();
  private readonly o: Required<Omit<MailboxSlotsOptions, 'holder' | 'onError'>> & Pick<MailboxSlotsOptions, 'onError'>;
  private heartbeat?: NodeJS.Timeout;
  private closed = false;
  /** Claims that reached the database (for tests and the bench). */
  claims = 0;

  constructor(private readonly db: SlotDb, options: MailboxSlotsOptions = {}) {
    this.o = { perKey: 4, leaseMs: 15_000, holdMs: 1_000, lingerMs: 200, pollMs: 50, ...options };
    this.holder = options.holder ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.heartbeat = setInterval(() => void this.renew(), Math.max(1000, this.o.leaseMs / 3));
    this.heartbeat.unref();
  }

  async acquire(key: string): Promise<() => void> {
    if (this.closed) throw new Error('mailbox slots are closed');
    const k = key.toLowerCase();
    const s = this.state(k);
    if (s.linger) {
      clearTimeout(s.linger);
      s.linger = undefined;
    }
    const free = s.leases.find((l) => !s.busy.has(l));
    // A slot handed to a waiter is marked busy by the giver (handTo), before the waiter resumes: an
    // acquire running in between must not see it as free.
    if (free) s.busy.add(free);
    const lease = free ?? (await new Promise<Lease>((resolve) => {
      s.waiting.push(resolve);
      void this.pump(k);
    }));
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.release(k, s, lease);
    };
  }

  /** Gives every slot back (on shutdown). */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.heartbeat);
    for (const s of this.keys.values()) {
      clearTimeout(s.retry);
      clearTimeout(s.linger);
    }
    this.keys.clear();
    await releaseAllSlots(this.db, this.holder).catch((err) => this.o.onError?.(err));
  }

  /** For tests: leases this process holds for a mailbox. */
  leased(key: string): number {
    return this.keys.get(key.toLowerCase())?.leases.length ?? 0;
  }

  private state(k: string): KeyState {
    let s = this.keys.get(k);
    if (!s) {
      s = { leases: [], busy: new Set(), waiting: [], claiming: false };
      this.keys.set(k, s);
    }
    return s;
  }

  private release(k: string, s: KeyState, lease: Lease): void {
    s.busy.delete(lease);
    if (this.closed) return;
    if (!s.leases.includes(lease)) {
      // Lost at renewal (taken by another process after it expired): claim afresh for any waiter.
      void this.pump(k);
      return;
    }
    const next = s.waiting.shift();
    if (next && Date.now() - lease.since < this.o.holdMs) {
      this.handTo(s, next, lease); // still young: pass it straight on
      return;
    }
    if (next) {
      // Held long enough with work queued: give it back so another process gets its turn, then queue again.
      s.waiting.unshift(next);
      this.giveBack(k, s, lease);
      void this.pump(k);
      return;
    }
    this.idle(k, s);
  }

  private handTo(s: KeyState, waiter: (lease: Lease) => void, lease: Lease): void {
    s.busy.add(lease);
    waiter(lease);
  }

  /** Nothing queued: keep the free slots a moment (the next request often follows at once), then return them. */
  private idle(k: string, s: KeyState): void {
    if (s.linger) return;
    s.linger = setTimeout(() => {
      s.linger = undefined;
      for (const l of [...s.leases]) if (!s.busy.has(l)) this.giveBack(k, s, l);
      // Not while a claim is on its way: its slot must land in this state, which the map still holds.
      if (s.leases.length === 0 && s.waiting.length === 0 && !s.claiming) this.keys.delete(k);
    }, this.o.lingerMs);
    s.linger.unref();
  }

  private giveBack(k: string, s: KeyState, lease: Lease): void {
    s.leases = s.leases.filter((l) => l !== lease);
    releaseSlot(this.db, k, lease.slot, this.holder).catch((err) => this.o.onError?.(err));
  }

  private async pump(k: string): Promise<void> {
    const s = this.state(k);
    if (s.claiming || this.closed) return;
    s.claiming = true;
    try {
      while (s.waiting.length > 0 && s.leases.length < this.o.perKey) {
        if (!this.rowsMade.has(k)) {
          await ensureSlotRows(this.db, k, this.o.perKey);
          this.rowsMade.add(k);
        }
        this.claims++;
        const slot = await claimSlot(this.db, k, this.holder, this.o.perKey, this.o.leaseMs);
        if (slot === undefined) break;
        const lease: Lease = { slot, since: Date.now() };
        s.leases.push(lease);
        // The queue may have emptied while the claim was on its way: a released slot was passed
        // straight to the waiter (release) — 50 pushes at once did that. The new slot is then idle.
        const next = s.waiting.shift();
        if (next) this.handTo(s, next, lease);
        else this.idle(k, s);
      }
    } catch (err) {
      this.o.onError?.(err);
    } finally {
      s.claiming = false;
    }
    if (s.waiting.length > 0 && !s.retry && !this.closed) {
      s.retry = setTimeout(() => {
        s.retry = undefined;
        void this.pump(k);
      }, this.o.pollMs / 2 + Math.random() * this.o.pollMs);
    }
  }

  private async renew(): Promise<void> {
    const held = [...this.keys.entries()].flatMap(([mailbox, s]) => s.leases.map((l) => ({ mailbox, slot: l.slot })));
    if (held.length === 0) return;
    try {
      const lost = await renewSlots(this.db, this.holder, held, this.o.leaseMs);
      for (const l of lost) {
        // Expired and taken by another process (this one stalled past its lease): stop counting it.
        const s = this.keys.get(l.mailbox);
        if (s) s.leases = s.leases.filter((x) => x.slot !== l.slot);
      }
    } catch (err) {
      this.o.onError?.(err);
    }
  }
}
