/**
 * The outbox worker's use case: send what is due from EMO_EMAILADDR's mailbox, exactly once.
 *
 * Exactly once, across time-outs and crashes: every email becomes a Graph draft carrying the
 * outbox id in our extended property (the "marker"), and only then is sent. Before any attempt
 * that follows an earlier one (a retry, or a claim taken over from a dead worker), the mailbox is
 * searched for the marker:
 *   - a sent copy → the earlier attempt went through: record it as sent, send nothing;
 *   - the draft we recorded as complete → send that draft;
 *   - an unrecorded draft (the earlier attempt died while adding attachments) → delete it, start again;
 *   - nothing → create the draft.
 * A /send of an item that has already gone is refused (with immutable ids it is the same item, now
 * in Sent Items and no longer a draft), never a second copy; when such a refusal follows an earlier
 * attempt (whose send Graph finished late), a second marker lookup finds the sent copy and records
 * the email as sent. What remains is Exchange's own window between accepting /send and moving the
 * item to Sent Items (see docs/outbound-email.md).
 */
import { claimDueEmails, countSendsInLastMinute, extendLease, holdWaiting, markDead, markFailed, markSent, recordDraft, recordInternetMessageId, recordSendRequested, releaseHeld, selectAttachmentRefs, type OutboxEmail } from '../../adapters/db/email-outbox.ts';
import { LEASE_MS, SEND_RATE_PER_MINUTE, SENT_COPY_GRACE_MS, verdictFor } from '../../domain/email/outbox.ts';
import { blobStoreOf } from '../inbound/policy.ts';
import { outgoingAttachment } from './attachments.ts';
import type { AppContext } from '../context.ts';
import { getIntegrationStatus } from '../integration.ts';
import { parameterValues } from '../parameters.ts';
import type { OutgoingAttachment, OutgoingMail } from '../ports/graph.ts';
import { isGraphFailure } from '../ports/graph-errors.ts';

export interface DrainOptions {
  /** Exchange's sending limit per mailbox (default 30 a minute). */
  perMinute?: number;
  /** Emails claimed per round. */
  batchSize?: number;
  /** Emails in progress at once (default 8). Graph itself still sees ≤ 4 requests per mailbox in flight: the
   *  extra sends overlap their database work with others' Graph requests. */
  concurrency?: number;
  leaseMs?: number;
  /** Stop after this many rounds (a drain is one job run; the next job continues). */
  maxRounds?: number;
}

export interface DrainResult {
  sent: number;
  failed: number;
  dead: number;
  /** Set when nothing was sent because the flow may not run. */
  heldReason?: string;
  held: number;
  /** The per-minute limit stopped this drain early. */
  rateLimited: boolean;
}

export async function drainOutbox(ctx: AppContext, opts: DrainOptions = {}): Promise<DrainResult> {
  const result: DrainResult = { sent: 0, failed: 0, dead: 0, held: 0, rateLimited: false };
  const status = await getIntegrationStatus(ctx);
  const flow = status.flows.find((f) => f.flow === 'emailOut');
  const reasons = [...(flow?.reasons ?? ['the outbound email flow is unknown'])];
  if (!ctx.graph) reasons.push('Microsoft Graph is not connected in this process');
  if (reasons.length) {
    // Guide §2.1: nothing goes out unless OUTLOOK365, EMAILOUT_OUTLOOK365 and the licence allow it.
    result.heldReason = `held: ${reasons.join('; ')}`;
    result.held = await holdWaiting(ctx.db, result.heldReason);
    return result;
  }
  await releaseHeld(ctx.db);
  const mailbox = (await parameterValues(ctx)).EMO_EMAILADDR!.trim();
  const perMinute = opts.perMinute ?? SEND_RATE_PER_MINUTE;
  const batchSize = opts.batchSize ?? 10;
  for (let round = 0; round < (opts.maxRounds ?? 50); round++) {
    const claimed = await claimDueEmails(ctx.db, { mailbox, limit: batchSize, perMinute, leaseMs: opts.leaseMs ?? LEASE_MS });
    if (!claimed.length) break;
    await forEachLimit(claimed, opts.concurrency ?? 8, async (e) => {
      const outcome = await sendOne(ctx, mailbox, e, opts.leaseMs ?? LEASE_MS);
      result[outcome]++;
    });
    if (claimed.length < batchSize) {
      // Fewer than asked: nothing else due, or the minute's sending allowance is used up.
      result.rateLimited = (await countSendsInLastMinute(ctx.db, mailbox)) >= perMinute;
      break;
    }
  }
  return result;
}

function mailOf(e: OutboxEmail, attachments: OutgoingAttachment[]): OutgoingMail {
  return {
    subject: e.subject,
    html: e.html ?? undefined,
    text: e.html ? undefined : (e.text ?? ''),
    to: e.to,
    cc: e.cc,
    bcc: e.bcc,
    replyTo: e.replyTo,
    headers: e.headers,
    attachments,
  };
}

async function sendOne(ctx: AppContext, systemMailbox: string, e: OutboxEmail & { triedBefore: boolean }, leaseMs: number): Promise<'sent' | 'failed' | 'dead'> {
  const gw = ctx.graph!.mail;
  // A reply goes from the shared mailbox its source message is in (its draft, marker and Sent Items
  // copy are there); everything else from EMO_EMAILADDR.
  const mailbox = e.reply?.mailbox ?? systemMailbox;
  const claim = { id: e.id, attempts: e.attempts };
  const log = ctx.logger.child({ emailId: e.id, mailbox, attempt: e.attempts });
  // Keep the claim while a long upload runs, so no other worker takes it over mid-send.
  const heartbeat = setInterval(() => {
    extendLease(ctx.db, claim, leaseMs).catch(() => {});
  }, Math.max(1000, leaseMs / 3));
  try {
    let draftId: string | undefined;
    if (e.triedBefore || e.draftId) {
      const found = await gw.findByMarker(mailbox, e.id, e.draftId ?? undefined);
      if (found && !found.isDraft) {
        await markSent(ctx.db, claim, { internetMessageId: found.internetMessageId, detail: 'already sent by an earlier attempt (found in Sent Items by its marker); not sent again' });
        log.info('email found already sent; not sending again');
        return 'sent';
      }
      if (found && found.id === e.draftId) draftId = found.id;
      else {
        // A draft we never recorded as complete (an earlier create whose answer was lost): it may lack
        // attachments, and it is never sent. Delete it.
        if (found) await gw.deleteMessage(mailbox, found.id);
        if (e.draftId && e.sendRequestedAt) {
          // We asked Graph to send the recorded draft and it is in no folder now: Exchange took it out of
          // Drafts and has not filed the Sent Items copy yet ("may not" be there at once —
          // graph/api/message-send). A new draft would send it twice: wait for the copy instead.
          const waitedMs = ctx.now().getTime() - e.sendRequestedAt.getTime();
          if (waitedMs < SENT_COPY_GRACE_MS) {
            await markFailed(ctx.db, claim, `sent, waiting for Exchange to file the Sent Items copy (asked ${Math.round(waitedMs / 1000)} s ago)`, Math.min(60_000, 5_000 * 2 ** Math.max(0, e.attempts - 2)));
            log.info('sent draft not yet in Sent Items; looking again later');
            return 'failed';
          }
          const reason = `the draft left Drafts after the send request ${Math.round(waitedMs / 60_000)} min ago but no Sent Items copy appeared: it may have been deleted before it went. Not sent again automatically — check with the recipient, then replay to send it again`;
          await markDead(ctx.db, claim, reason);
          log.warn({ reason }, 'email is dead');
          return 'dead';
        }
      }
    }
    if (!draftId) {
      const blobs = blobStoreOf(ctx);
      const attachments = (await selectAttachmentRefs(ctx.db, e.id)).map((r) => outgoingAttachment(blobs, r));
      if (e.reply) {
        const d = await gw.createReplyDraft(mailbox, e.reply.graphId, mailOf(e, attachments), e.id, { replyAll: e.reply.all });
        draftId = d.id;
        if (d.internetMessageId) await recordInternetMessageId(ctx.db, claim, d.internetMessageId);
      } else draftId = (await gw.createDraft(mailbox, mailOf(e, attachments), e.id)).id;
      await recordDraft(ctx.db, claim, draftId);
    }
    try {
      await recordSendRequested(ctx.db, claim);
      await gw.sendDraft(mailbox, draftId);
    } catch (err) {
      // Refused outright after an earlier attempt: that attempt's send may have gone through late —
      // Graph carried it out after our time-out and after the marker lookup above — so the draft is
      // no longer a draft. A sent copy means it went exactly once: record it, do not kill it.
      if (e.triedBefore && isGraphFailure(err) && !err.retryable) {
        const found = await gw.findByMarker(mailbox, e.id).catch(() => undefined);
        if (found && !found.isDraft) {
          await markSent(ctx.db, claim, { internetMessageId: found.internetMessageId, detail: 'already sent by an earlier attempt (Graph finished it late; found in Sent Items by its marker); not sent again' });
          log.info('email found already sent after a refused send; not sending again');
          return 'sent';
        }
      }
      throw err;
    }
    if (!(await markSent(ctx.db, claim, { detail: `sent from ${mailbox}` }))) log.warn('sent, but the claim had passed to another worker');
    return 'sent';
  } catch (err) {
    const facts = isGraphFailure(err)
      ? { kind: err.kind, retryable: err.retryable, message: err.message, retryAfterMs: (err as { retryAfterMs?: number }).retryAfterMs }
      : { kind: 'transient', retryable: true, message: `unexpected error: ${(err as Error)?.message ?? String(err)}` };
    const v = verdictFor(facts, e.attempts);
    if (v.status === 'dead') {
      await markDead(ctx.db, claim, v.reason);
      log.warn({ reason: v.reason }, 'email is dead');
      return 'dead';
    }
    await markFailed(ctx.db, claim, facts.message, v.retryInMs);
    log.info({ error: facts.message, retryInMs: v.retryInMs }, 'email send failed; will retry');
    return 'failed';
  } finally {
    clearInterval(heartbeat);
  }
}

async function forEachLimit<T>(items: T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]);
  });
  await Promise.all(workers);
}
