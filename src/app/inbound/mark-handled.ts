/**
 * The source message in Outlook shows it was handled (issue 17 §5): once an inbound email has a task,
 * the message in the shared mailbox gets the category "housing365 <case reference>" (Outlook shows it
 * as a tag colleagues can filter on). Per inbox (inbox_conversation.category, on by default).
 *
 * Crash-safe and repeatable: the category is ADDED to what the message has (read first, then a PATCH
 * of the union), so a run that died after the PATCH and before recording it finds the category there
 * and only records it; `outlook_state` says which emails are done. A message the user deleted
 * meanwhile is recorded as failed and not tried again. (Moving at import is the inbox's "after
 * import" setting, sync-inbox.ts.)
 */
import { recordOutlookMark, selectUnmarkedEmails } from '../../adapters/db/email-threads.ts';
import { selectInboxConversation } from '../../adapters/db/inbox-conversation.ts';
import { caseReference, handledCategory } from '../../domain/conversation/case-reference.ts';
import { isGraphFailure } from '../ports/graph-errors.ts';
import type { MailboxGateway } from '../ports/graph.ts';
import type { AppContext } from '../context.ts';

export async function markHandledInOutlook(ctx: AppContext, g: MailboxGateway, inbox: { code: string; mailbox: string }, limit = 50): Promise<{ tagged: number; failed: number }> {
  const out = { tagged: 0, failed: 0 };
  const settings = await selectInboxConversation(ctx.db, inbox.code);
  if (!settings.category) return out;
  const due = await selectUnmarkedEmails(ctx.db, inbox.code, limit);
  for (const e of due) {
    const category = handledCategory(caseReference(inbox.code, e.taskId));
    try {
      const m = await g.getMessage(inbox.mailbox, e.graphId);
      if (!m.categories.includes(category)) await g.setCategories(inbox.mailbox, e.graphId, [...m.categories, category]);
      await recordOutlookMark(ctx.db, e.id, { state: 'done', category });
      out.tagged++;
    } catch (err) {
      if (isGraphFailure(err) && err.kind === 'not_found') {
        await recordOutlookMark(ctx.db, e.id, { state: 'failed' });
        out.failed++;
        continue;
      }
      // Throttled, transient, auth: the next run tries again (the state is still 'none').
      ctx.logger.warn({ err, inbox: inbox.code, emailId: e.id }, 'could not tag the source message in Outlook');
      break;
    }
  }
  return out;
}
