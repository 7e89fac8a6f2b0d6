import type { Db } from './database.ts';

// Reads of inbound messages, counted per (inbox, Graph id) before each starts (issue 14 §5): the
// count survives a hang, an overrun and a crash, so a message that keeps failing is parked instead
// of being read again by every run.

export interface MessageAttempt {
  attempts: number;
  lastError: string | null;
}

/** Counts one more read of the message (committed at once) and returns the count including it. */
export async function beginAttempt(db: Db, inbox: string, graphId: string, at: Date): Promise<MessageAttempt> {
  const r = await db
    .insertInto('inbound_message_attempts')
    .values({ inbox, graph_id: graphId, attempts: 1, first_at: at, last_at: at })
    .onConflict((oc) => oc.columns(['inbox', 'graph_id']).doUpdateSet((eb) => ({ attempts: eb('inbound_message_attempts.attempts', '+', 1), last_at: at })))
    .returning(['attempts', 'last_error'])
    .executeTakeFirstOrThrow();
  return { attempts: r.attempts, lastError: r.last_error };
}

/** Why the last read failed, for the next run's decision and the parking reason. */
export async function failAttempt(db: Db, inbox: string, graphId: string, error: string): Promise<void> {
  await db.updateTable('inbound_message_attempts').set({ last_error: error.slice(0, 2000) }).where('inbox', '=', inbox).where('graph_id', '=', graphId).execute();
}

/** A read that failed for a reason not the message's (throttled, token, network): not counted. */
export async function uncountAttempt(db: Db, inbox: string, graphId: string): Promise<void> {
  await db.updateTable('inbound_message_attempts').set((eb) => ({ attempts: eb('attempts', '-', 1) })).where('inbox', '=', inbox).where('graph_id', '=', graphId).where('attempts', '>', 0).execute();
}

/** Stored or parked: nothing more to count. */
export async function clearAttempts(db: Db, inbox: string, graphIds: readonly string[]): Promise<void> {
  if (graphIds.length === 0) return;
  await db.deleteFrom('inbound_message_attempts').where('inbox', '=', inbox).where('graph_id', 'in', graphIds).execute();
}
