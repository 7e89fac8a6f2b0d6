/**
 * The one failure policy: what a failed step of any flow leads to, from the failure's kind and how many
 * times it has failed already. The inbox sync, the calendar sync, the calendar push, the email outbox
 * and the subscription tick all ask here, so "what happens when Graph says X" has one answer, in one
 * table, instead of one per flow.
 *
 *   retry   — try the same step again after `inMs` (Retry-After when Graph gave one, else backoff)
 *   resync  — the delta cursor is gone (410 / syncStateNotFound): start a full sync, reconcile by id
 *   skip    — this one item cannot be done (a booking whose event is gone, a bad message): record it
 *             where an operator sees it and carry on with the items behind it
 *   dead    — give the work item up (outbox row dead-lettered; an operator can replay it)
 *
 * `alert` marks outcomes an admin must fix (credentials, permissions): they retry slowly and are shown
 * on the Integration page / doctor, rather than killing every email or stalling silently.
 */
export type FailureKind =
  | 'throttled'
  | 'auth_failed'
  | 'permission_missing'
  | 'not_found'
  | 'cursor_expired'
  | 'too_large'
  | 'transient'
  | 'permanent'
  /** Not a Graph failure: a bug or bad data in our own code. */
  | 'internal';

export type Flow = 'inbox-sync' | 'calendar-sync' | 'calendar-push' | 'email-outbox' | 'subscriptions';

/** Where a failure happened: the whole run (a page read, a token) or one item in it. */
export type Scope = 'run' | 'item';

export type FailureAction =
  | { action: 'retry'; inMs: number; alert: boolean }
  | { action: 'resync' }
  | { action: 'skip'; reason: string }
  | { action: 'dead'; reason: string };

export interface FailureFacts {
  kind: FailureKind;
  message: string;
  /** Graph's Retry-After, when it sent one. */
  retryAfterMs?: number;
}

export interface FlowRules {
  /** Does the flow work through queued items (outbox rows) or read a mailbox's changes (a sync)? */
  shape: 'queue' | 'sync';
  /** Failures of one item before it is given up: dead-lettered (queue) or parked/skipped (sync). */
  itemMaxAttempts: number;
  /** First backoff; doubles each attempt up to `ceilingMs`. */
  baseMs: number;
  ceilingMs: number;
  /** ±25 % jitter, so many items failing together do not retry together. */
  jitter: boolean;
  /** A throttled item waits its backoff too when that is longer than Graph's Retry-After. */
  throttledBacksOff: boolean;
}

// A sync's run is retried for ever (the next poll is the retry, and a stuck mailbox shows on the
// sync-health page); an item that keeps failing is set aside so the mail or bookings behind it go on.
// A queue's item (an email, a booking push) is dead-lettered after a bound, for an operator to replay.
export const FLOW_RULES: Readonly<Record<Flow, FlowRules>> = Object.freeze({
  'inbox-sync': { shape: 'sync', itemMaxAttempts: 3, baseMs: 30_000, ceilingMs: 30 * 60_000, jitter: true, throttledBacksOff: false },
  'calendar-sync': { shape: 'sync', itemMaxAttempts: 1, baseMs: 30_000, ceilingMs: 30 * 60_000, jitter: true, throttledBacksOff: false },
  subscriptions: { shape: 'sync', itemMaxAttempts: Infinity, baseMs: 60_000, ceilingMs: 60 * 60_000, jitter: true, throttledBacksOff: false },
  'calendar-push': { shape: 'queue', itemMaxAttempts: 8, baseMs: 10_000, ceilingMs: 60 * 60_000, jitter: false, throttledBacksOff: true },
  'email-outbox': { shape: 'queue', itemMaxAttempts: 12, baseMs: 30_000, ceilingMs: 60 * 60_000, jitter: true, throttledBacksOff: false },
});

/** Admin-fixable failures retry at this pace at least (a secret renewed in Entra is picked up soon). */
const ADMIN_FIX_BASE_MS = 5 * 60_000;

const adminFixable = (k: FailureKind) => k === 'auth_failed' || k === 'permission_missing';
/** No retry can fix these for this item (a bad address, an invalid body, an event that is gone). */
const itemPermanent = (k: FailureKind) => k === 'permanent' || k === 'not_found' || k === 'too_large';

/** Exponential backoff, base · 2ⁿ⁻¹ up to the ceiling, with the flow's jitter. */
export function backoffMs(rules: Pick<FlowRules, 'baseMs' | 'ceilingMs' | 'jitter'>, attempts: number, random: () => number = Math.random): number {
  const ceiling = Math.min(rules.ceilingMs, rules.baseMs * 2 ** Math.max(0, attempts - 1));
  return rules.jitter ? Math.round(ceiling * (0.75 + random() * 0.25)) : ceiling;
}

/** Whether a failure while reading a mailbox must end the run (and retry it whole) rather than one item. */
export function endsTheRun(kind: FailureKind): boolean {
  return kind === 'throttled' || kind === 'transient' || kind === 'cursor_expired' || adminFixable(kind);
}

/**
 * What a failure leads to. `attempts` counts this failure (1 on the first). One table for every flow;
 * only the bounds in FLOW_RULES differ.
 */
export function decideFailure(
  flow: Flow,
  scope: Scope,
  f: FailureFacts,
  attempts: number,
  random: () => number = Math.random,
  /** A caller's own bound (tests, an admin setting) over the flow's. */
  override: Partial<Pick<FlowRules, 'itemMaxAttempts'>> = {},
): FailureAction {
  const rules = { ...FLOW_RULES[flow], ...override };
  if (f.kind === 'cursor_expired') return { action: 'resync' };
  const retry = (): FailureAction => {
    if (adminFixable(f.kind)) return { action: 'retry', inMs: backoffMs({ ...rules, baseMs: Math.max(rules.baseMs, ADMIN_FIX_BASE_MS) }, attempts, random), alert: true };
    const backoff = backoffMs(rules, attempts, random);
    if (f.kind === 'throttled' && f.retryAfterMs !== undefined) {
      return { action: 'retry', inMs: Math.max(1000, f.retryAfterMs, rules.throttledBacksOff ? backoff : 0), alert: false };
    }
    return { action: 'retry', inMs: backoff, alert: false };
  };
  if (scope === 'run') return retry();
  const giveUp = (reason: string): FailureAction => (rules.shape === 'queue' ? { action: 'dead', reason } : { action: 'skip', reason });
  // In a sync, Graph trouble ends the run (the page is read again next time); it is not the item's fault.
  if (rules.shape === 'sync' && endsTheRun(f.kind)) return retry();
  if (itemPermanent(f.kind)) return giveUp(f.message);
  if (attempts >= rules.itemMaxAttempts) return giveUp(`gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: ${f.message}`);
  return retry();
}
