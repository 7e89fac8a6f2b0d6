/** The inbox reconcile's one question to the database: which of these Graph ids are stored or parked already. */
import type { Db } from './database.ts';

export async function storedOrParkedIds(db: Db, inbox: string, graphIds: string[]): Promise<Set<string>> {
  if (!graphIds.length) return new Set();
  const [stored, parked] = await Promise.all([
    db.selectFrom('inbound_emails').select('graph_id').where('inbox', '=', inbox).where('graph_id', 'in', graphIds).execute(),
    db.selectFrom('inbound_parked').select('graph_id').where('inbox', '=', inbox).where('graph_id', 'in', graphIds).execute(),
  ]);
  return new Set([...stored, ...parked].map((r) => r.graph_id));
}
