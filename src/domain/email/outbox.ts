import { decideFailure, FLOW_RULES, type FailureKind } from '../failures/policy.ts';

/**
 * The outbox's rules as data: its states, the moves between them, and what a failure leads to.
 *
 *   queued ──claim──▶ sending ──▶ sent
 *     │  ▲              │  ├──▶ failed ──(next attempt due)──▶ sending …
 *     ▼  │              │  └──▶ dead ──(replay)──▶ queued
 *    held (flow off / unlicensed; released when it may run again)
 *
 * A `sending` row whose lease ran out (its worker died) is claimed again; the marker lookup then
 * tells whether the first attempt reached Graph.
 */
export type OutboxStatus = 'queued' | 'held' | 'sending' | 'sent' | 'failed' | 'dead';

export const OUTBOX_STATUSES: readonly OutboxStatus[] = ['queued', 'held', 'sending', 'sent', 'failed', 'dead'];

export const OUTBOX_TRANSITIONS: Readonly<Record<OutboxStatus, readonly OutboxStatus[]>> = Object.freeze({
  queued: ['sending', 'held'],
  held: ['queued', 'sending'],
  sending: ['sent', 'failed', 'dead', 'sending'],
  failed: ['sending', 'held', 'dead'],
  dead: ['queued'],
  sent: [],
});

export function canMove(from: OutboxStatus, to: OutboxStatus): boolean {
  return OUTBOX_TRANSITIONS[from].includes(to);
}

export const STATUS_LABELS: Readonly<Record<OutboxStatus, string>> = Object.freeze({
  queued: 'Queued',
  held: 'Held',
  sending: 'Sending',
  sent: 'Sent',
  failed: 'Failed – will retry',
  dead: 'Dead',
});

/** Attempts before an email that keeps failing is given up as dead (the failure policy's bound). */
export const MAX_ATTEMPTS = FLOW_RULES['email-outbox'].itemMaxAttempts;
/** How long a worker owns a claimed email before another may take it over (its worker died). */
export const LEASE_MS = 2 * 60_000;
/** Exchange Online: 30 messages a minute per mailbox (https://learn.microsoft.com/office365/servicedescriptions/exchange-online-service-description/exchange-online-limits#sending-limits). */
export const SEND_RATE_PER_MINUTE = 30;

/**
 * How long after a send request the outbox waits for the Sent Items copy of a draft that has left
 * Drafts before it gives the email up as dead (rather than send a second copy). Exchange usually
 * files it within seconds.
 */
export const SENT_COPY_GRACE_MS = 15 * 60_000;

export type FailureVerdict = { status: 'failed'; retryInMs: number } | { status: 'dead'; reason: string };

export interface FailureFacts {
  kind: string;
  retryable: boolean;
  message: string;
  retryAfterMs?: number;
}

/**
 * What one failed attempt leads to, by the one failure policy (domain/failures/policy.ts): throttling
 * waits as long as Graph said; transient trouble backs off exponentially (30 s · 2ⁿ⁻¹, at most an hour);
 * auth and permission problems are an admin's to fix, so they keep retrying slowly rather than killing
 * every email; anything else is permanent.
 */
export function verdictFor(f: FailureFacts, attempts: number, random: () => number = Math.random): FailureVerdict {
  const kind: FailureKind = KNOWN_KINDS.has(f.kind as FailureKind) ? (f.kind as FailureKind) : f.retryable ? 'transient' : 'permanent';
  const v = decideFailure('email-outbox', 'item', { kind, message: f.message, retryAfterMs: f.retryAfterMs }, attempts, random);
  if (v.action === 'retry') return { status: 'failed', retryInMs: v.inMs };
  return { status: 'dead', reason: 'reason' in v ? v.reason : f.message };
}

const KNOWN_KINDS = new Set<FailureKind>(['throttled', 'auth_failed', 'permission_missing', 'not_found', 'cursor_expired', 'too_large', 'transient', 'permanent', 'internal']);
