/**
 * The automatic acknowledgement (issue 17 §4): per inbox, OFF by default (inbox_conversation.acknowledge).
 * When a new email's task is raised, the resident gets the inbox's template (default TM_ACKNOWLEDGE,
 * merge fields `task.ref` — the case reference — `task.id`, `task.title`, `email.subject`) as a reply
 * on their message from the shared inbox, through the outbox, recorded on the task's history.
 *
 * Never to automatic mail: auto-replies, out-of-office, bounces, read receipts, list mail and
 * `Auto-Submitted` ≠ no are stored with disposition `auto_reply` and never reach here; our own
 * addresses are `own`. At most one per sender per `acknowledge_period_hours` (inbound_acknowledgements).
 * Headers: Graph takes custom internetMessageHeaders only named `x-…` and only when the item is
 * created, so `X-Auto-Response-Suppress: All` goes on the createReply draft; `Auto-Submitted:
 * auto-replied` cannot be set through Graph's JSON API (it would need a MIME send).
 */
import type { Db } from '../../adapters/db/database.ts';
import { acknowledgedSince, insertAcknowledgement, selectAckCandidates } from '../../adapters/db/email-threads.ts';
import { selectInboxConversation } from '../../adapters/db/inbox-conversation.ts';
import { insertHistory } from '../../adapters/db/tasks.ts';
import { caseReference } from '../../domain/conversation/case-reference.ts';
import { AppError } from '../../errors.ts';
import { SYSTEM_ACTOR } from '../context.ts';
import { enqueueEmail } from '../email/enqueue.ts';

const HOUR_MS = 3_600_000;

export async function acknowledgeNewCases(trx: Db, pairs: Array<{ emailId: number; taskId: number }>, at: Date): Promise<number> {
  let sent = 0;
  for (const e of await selectAckCandidates(trx, pairs.map((p) => p.emailId))) {
    if (e.disposition !== 'new' || !e.fromAddress || e.taskId === null) continue;
    const s = await selectInboxConversation(trx, e.inbox);
    if (!s.acknowledge) continue;
    // The organisation's own addresses (its mail domain) are never acknowledged.
    const domain = e.mailbox.split('@')[1]?.toLowerCase();
    if (domain && e.fromAddress.toLowerCase().endsWith(`@${domain}`)) continue;
    if (await acknowledgedSince(trx, e.inbox, e.fromAddress, new Date(at.getTime() - s.acknowledgePeriodHours * HOUR_MS))) {
      await insertHistory(trx, { taskId: e.taskId, actor: 'system', action: 'acknowledgement not sent', detail: `${e.fromAddress} was acknowledged within the last ${s.acknowledgePeriodHours} h`, at });
      continue;
    }
    const ref = caseReference(e.inbox, e.taskId);
    try {
      const q = await enqueueEmail(
        trx,
        SYSTEM_ACTOR,
        { to: [{ address: e.fromAddress }], template: s.acknowledgeTemplate, data: { task: { id: e.taskId, ref, title: e.subject }, email: { subject: e.subject, from: e.fromAddress } }, source: 'task-manager', sourceRef: `ack-${e.taskId}`, taskId: e.taskId },
        { reply: { mailbox: e.mailbox, graphId: e.graphId, all: false }, headers: [{ name: 'X-Auto-Response-Suppress', value: 'All' }] },
      );
      await insertAcknowledgement(trx, { inbox: e.inbox, sender: e.fromAddress, at, emailId: e.id, outboxId: q.id });
      await insertHistory(trx, { taskId: e.taskId, actor: 'system', action: 'acknowledgement queued', detail: `To ${e.fromAddress} from ${e.mailbox}, template ${s.acknowledgeTemplate}, case ${ref} (outbox ${q.id})`, at });
      sent++;
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      await insertHistory(trx, { taskId: e.taskId, actor: 'system', action: 'acknowledgement not sent', detail: err.message, at });
    }
  }
  return sent;
}
