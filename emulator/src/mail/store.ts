/**
 * Mailbox mutations. Every change takes the mailbox's next sequence number and appends to the
 * folder's change log, so message delta can serve a page in O(page) from a position in the log
 * (see delta.ts). Moving a message gives it a new regular id (Exchange ids change on a move;
 * immutable ids do not: https://learn.microsoft.com/graph/outlook-immutable-id).
 */
import type { ChangeEvent, FolderLogEntry, MailFolderState, MessageState, UserState } from '../contracts.ts';
import { newChangeKey, newConversationId, newImmutableId, newInternetMessageId, newRegularId } from '../ids.ts';

type Emit = (c: ChangeEvent) => void;

function touch(user: UserState, msg: MessageState, nowIso: string): void {
  msg.seq = ++user.mailbox.seq;
  msg.changeKey = newChangeKey();
  msg.lastModifiedDateTime = nowIso;
}

function logIn(folder: MailFolderState, msg: MessageState): void {
  pushLog(folder, { seq: msg.seq, id: msg.immutableId });
}

type Indexed = MailFolderState & { _latest?: Map<string, number>; _compactAt?: number };

/** id → seq of its latest entry in this folder's log (runtime index, rebuilt after a load). */
export function latestIndex(folder: MailFolderState): Map<string, number> {
  const f = folder as Indexed;
  if (!f._latest) {
    const m = new Map<string, number>();
    for (const e of folder.log) m.set(e.id, e.seq);
    Object.defineProperty(f, '_latest', { value: m, enumerable: false, writable: true, configurable: true });
  }
  return f._latest!;
}

export function pushLog(folder: MailFolderState, entry: FolderLogEntry): void {
  folder.log.push(entry);
  latestIndex(folder).set(entry.id, entry.seq);
  compactIfNeeded(folder);
}

/** Keeps the log from growing without bound under repeated updates: drop superseded entries
 *  once they are the majority. Tokens hold seq numbers, not positions, so this is invisible. */
function compactIfNeeded(folder: MailFolderState): void {
  if (folder.log.length < 1024) return;
  const f = folder as Indexed;
  if (f._compactAt && folder.log.length < f._compactAt) return;
  const latest = latestIndex(folder);
  if (latest.size * 2 > folder.log.length) {
    Object.defineProperty(f, '_compactAt', { value: folder.log.length * 2, enumerable: false, writable: true, configurable: true });
    return;
  }
  folder.log = folder.log.filter((e) => latest.get(e.id) === e.seq);
}

export type NewMessage = Partial<Omit<MessageState, 'immutableId' | 'regularId' | 'folderId' | 'changeKey' | 'seq'>>;

export function addMessage(user: UserState, folder: MailFolderState, data: NewMessage, nowIso: string, emit: Emit, domain: string): MessageState {
  const msg: MessageState = {
    immutableId: newImmutableId('message'),
    regularId: newRegularId(),
    folderId: folder.id,
    changeKey: '',
    seq: 0,
    createdDateTime: nowIso,
    lastModifiedDateTime: nowIso,
    receivedDateTime: data.receivedDateTime ?? nowIso,
    sentDateTime: data.sentDateTime,
    subject: data.subject ?? '',
    body: data.body ?? { contentType: 'text', content: '' },
    from: data.from,
    sender: data.sender ?? data.from,
    toRecipients: data.toRecipients ?? [],
    ccRecipients: data.ccRecipients ?? [],
    bccRecipients: data.bccRecipients ?? [],
    replyTo: data.replyTo ?? [],
    internetMessageId: data.internetMessageId ?? newInternetMessageId(domain),
    conversationId: data.conversationId ?? newConversationId(),
    conversationIndex: data.conversationIndex,
    isRead: data.isRead ?? false,
    isDraft: data.isDraft ?? false,
    importance: data.importance ?? 'normal',
    categories: data.categories ?? [],
    flag: data.flag ?? { flagStatus: 'notFlagged' },
    inferenceClassification: data.inferenceClassification ?? 'focused',
    internetMessageHeaders: data.internetMessageHeaders,
    singleValueExtendedProperties: data.singleValueExtendedProperties,
    attachments: data.attachments ?? [],
    mimeBase64: data.mimeBase64,
    inReplyTo: data.inReplyTo,
    references: data.references,
  };
  touch(user, msg, nowIso);
  msg.arrivedSeq = msg.seq;
  user.mailbox.messages[msg.immutableId] = msg;
  user.mailbox.regularIds[msg.regularId] = msg.immutableId;
  logIn(folder, msg);
  emit({ userId: user.id, resource: 'messages', folderId: folder.id, id: msg.immutableId, changeType: 'created' });
  return msg;
}

/** Call after mutating fields of `msg`: bumps seq/changeKey and logs the change in its folder. */
export function messageChanged(user: UserState, msg: MessageState, nowIso: string, emit: Emit, byOwner = false): void {
  touch(user, msg, nowIso);
  const folder = user.mailbox.folders[msg.folderId];
  if (folder) logIn(folder, msg);
  emit({ userId: user.id, resource: 'messages', folderId: msg.folderId, id: msg.immutableId, changeType: 'updated', byOwner });
}

export function moveMessage(user: UserState, msg: MessageState, dest: MailFolderState, nowIso: string, emit: Emit, byOwner = false): MessageState {
  if (dest.id === msg.folderId) return msg;
  const from = user.mailbox.folders[msg.folderId];
  const oldRegularId = msg.regularId;
  delete user.mailbox.regularIds[msg.regularId];
  msg.regularId = newRegularId();
  user.mailbox.regularIds[msg.regularId] = msg.immutableId;
  msg.folderId = dest.id;
  touch(user, msg, nowIso);
  if (from && !(msg.leftFolders ??= []).includes(from.id)) msg.leftFolders.push(from.id);
  if (from) {
    pushLog(from, { seq: msg.seq, id: msg.immutableId, removed: 'deleted', rid: oldRegularId });
  }
  msg.arrivedSeq = msg.seq;
  logIn(dest, msg);
  // Graph reports a move as a delete in the old folder and a create in the new one.
  if (from) emit({ userId: user.id, resource: 'messages', folderId: from.id, id: msg.immutableId, changeType: 'deleted', byOwner });
  emit({ userId: user.id, resource: 'messages', folderId: dest.id, id: msg.immutableId, changeType: 'created', byOwner });
  return msg;
}

/** Permanent delete (from Deleted Items, or `permanentDelete`). */
export function purgeMessage(user: UserState, msg: MessageState, emit: Emit, byOwner = false): void {
  const from = user.mailbox.folders[msg.folderId];
  const seq = ++user.mailbox.seq;
  delete user.mailbox.messages[msg.immutableId];
  delete user.mailbox.regularIds[msg.regularId];
  if (from) {
    pushLog(from, { seq, id: msg.immutableId, removed: 'deleted', rid: msg.regularId });
  }
  emit({ userId: user.id, resource: 'messages', folderId: msg.folderId, id: msg.immutableId, changeType: 'deleted', byOwner });
}

/** DELETE /messages/{id}: Exchange moves the item to Deleted Items; from Deleted Items it is gone. */
export function deleteMessage(user: UserState, msg: MessageState, nowIso: string, emit: Emit, byOwner = false): void {
  const deleted = Object.values(user.mailbox.folders).find((f) => f.wellKnownName === 'deleteditems');
  if (!deleted || msg.folderId === deleted.id) purgeMessage(user, msg, emit, byOwner);
  else moveMessage(user, msg, deleted, nowIso, emit, byOwner);
}

/** By immutable or current regular id. */
export function findMessage(user: UserState, id: string): MessageState | undefined {
  const mb = user.mailbox;
  return mb.messages[id] ?? mb.messages[mb.regularIds[id] ?? ''];
}
