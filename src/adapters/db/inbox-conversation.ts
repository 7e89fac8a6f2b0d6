/** Per-inbox conversation settings (migration 0021): a row only where an admin changed the defaults. */
import type { Db } from './database.ts';

export interface InboxConversation {
  inbox: string;
  /** Put the case reference ([ASB-123]) in reply subjects. */
  subjectReference: boolean;
  /** Acknowledge new mail automatically (off by default). */
  acknowledge: boolean;
  /** Email template code for the acknowledgement (default TM_ACKNOWLEDGE). */
  acknowledgeTemplate: string;
  /** At most one acknowledgement per sender per this many hours. */
  acknowledgePeriodHours: number;
  /** Tag the source message in Outlook with "housing365 <ref>" once it has a task. */
  category: boolean;
  /** Move the source message to this folder (by name) once it has a task; null = leave it. */
  moveFolder: string | null;
}

export const DEFAULT_ACK_TEMPLATE = 'TM_ACKNOWLEDGE';

export const defaultConversation = (inbox: string): InboxConversation => ({
  inbox, subjectReference: false, acknowledge: false, acknowledgeTemplate: DEFAULT_ACK_TEMPLATE, acknowledgePeriodHours: 24, category: true, moveFolder: null,
});

export async function selectInboxConversation(db: Db, inbox: string): Promise<InboxConversation> {
  const r = await db.selectFrom('inbox_conversation').selectAll().where('inbox', '=', inbox.toUpperCase()).executeTakeFirst();
  if (!r) return defaultConversation(inbox.toUpperCase());
  return {
    inbox: r.inbox, subjectReference: r.subject_reference, acknowledge: r.acknowledge, acknowledgeTemplate: r.acknowledge_template ?? DEFAULT_ACK_TEMPLATE,
    acknowledgePeriodHours: r.acknowledge_period_hours, category: r.category, moveFolder: r.move_folder,
  };
}

export async function upsertInboxConversation(db: Db, s: InboxConversation, by: string): Promise<void> {
  const v = {
    inbox: s.inbox.toUpperCase(), subject_reference: s.subjectReference, acknowledge: s.acknowledge, acknowledge_template: s.acknowledgeTemplate,
    acknowledge_period_hours: s.acknowledgePeriodHours, category: s.category, move_folder: s.moveFolder, updated_by: by, updated_at: new Date(),
  };
  await db.insertInto('inbox_conversation').values(v).onConflict((oc) => oc.column('inbox').doUpdateSet(v)).execute();
}
