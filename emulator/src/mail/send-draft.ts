/**
 * `POST /messages/{id}/send` (https://learn.microsoft.com/graph/api/message-send): the draft is
 * checked against the tenant's message size limit, then delivered. With a Sent Items delay
 * (mail/limits.ts) the item first leaves Drafts and sits in no folder — a marker search or a GET by
 * id does not find it — until Exchange "processes" it: then it lands in Sent Items (same immutable
 * id) and reaches its recipients, once.
 */
import type { MessageState, UserState } from '../contracts.ts';
import { GraphError } from '../contracts.ts';
import type { Core } from '../core.ts';
import { outgoingFromDraft } from './compose.ts';
import { checkMessageSize } from './limits.ts';
import { deliver } from './send.ts';
import { pushLog } from './store.ts';

export { checkMessageSize } from './limits.ts';

export function sendDraft(core: Core, user: UserState, m: MessageState): void {
  if (!m.isDraft) throw new GraphError(400, 'ErrorInvalidOperation', 'Only draft messages can be sent.');
  checkMessageSize(core, m);
  const o = outgoingFromDraft(core, user, m);
  const delay = core.mailLimits.sentItemsDelayMs;
  if (delay <= 0) {
    deliver(core, user, o, { saveToSentItems: true, draft: m, via: 'graph' });
    return;
  }
  // Out of Drafts and out of sight: no folder lists it, no id finds it.
  m.isDraft = false;
  const mb = user.mailbox;
  delete mb.messages[m.immutableId];
  delete mb.regularIds[m.regularId];
  const drafts = mb.folders[m.folderId];
  if (drafts) pushLog(drafts, { seq: ++mb.seq, id: m.immutableId, removed: 'deleted', rid: m.regularId });
  core.markDirty();
  const timer = setTimeout(() => {
    core.pendingSends.delete(timer);
    const now = core.state.users[user.id];
    if (!now || now !== user) return; // the state was reset meanwhile
    mb.messages[m.immutableId] = m;
    mb.regularIds[m.regularId] = m.immutableId;
    m.isDraft = true;
    deliver(core, user, o, { saveToSentItems: true, draft: m, via: 'graph' });
  }, delay);
  timer.unref();
  core.pendingSends.add(timer);
}
