import type { AppContext, Principal } from '../../src/app/context.ts';
import { addTeamMember, createTeam, createUser } from '../../src/app/users.ts';

export const system = { username: 'test-setup' };

export async function makeUser(ctx: AppContext, username: string, role: 'admin' | 'officer' = 'officer'): Promise<Principal> {
  const { user } = await createUser(ctx, system, { username, displayName: username.toUpperCase(), role, password: 'a long enough password' });
  return { kind: 'user', id: user.id, username: user.username, displayName: user.displayName, role: user.role };
}

export async function makeTeam(ctx: AppContext, code: string, members: Principal[]): Promise<number> {
  const team = await createTeam(ctx, system, { code, name: `${code} team` });
  for (const m of members) await addTeamMember(ctx, system, team.id, m.id);
  return team.id;
}

let seq = 0;
/** An email row as the inbox sync would store it (storage is tested in test/inbound). */
export async function insertEmail(ctx: AppContext, inbox: string, subject: string, extra: Partial<{ disposition: 'new' | 'threaded' | 'auto_reply' | 'own'; received: Date }> = {}): Promise<number> {
  seq++;
  const r = await ctx.db
    .insertInto('inbound_emails')
    .values({
      inbox,
      mailbox: `${inbox.toLowerCase()}@housingorganisation.co.uk`,
      graph_id: `AAMk-test-${seq}-${Math.random().toString(36).slice(2)}`,
      internet_message_id: `<t${seq}.${Date.now()}@example.org>`,
      from_address: 'resident@example.org',
      subject,
      received_at: extra.received ?? new Date(),
      body_text: `Body of ${subject}`,
      disposition: extra.disposition ?? 'new',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}
