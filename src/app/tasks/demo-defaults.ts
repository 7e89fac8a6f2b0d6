/**
 * Demo mode: Task Manager set up for the demo inboxes (ASB, COMPLAINTS) on a first start, so mail sent
 * to the emulator's SMTP door becomes tasks at once. Only when no job type exists yet: an admin's own
 * set-up is never touched. Tasks go to the INBOUND team; administrators see them (nothing restricted).
 */
import { SYSTEM_ACTOR, type AppContext } from '../context.ts';
import { createTeam, listTeams } from '../users.ts';
import { createJobType, generateWorkflow, listJobTypes, saveEventType, uploadWorkflow } from './setup.ts';
import { setComplaintPolicy } from '../complaints/setup.ts';

export async function applyTaskManagerDemoDefaults(ctx: AppContext): Promise<string[]> {
  if ((await listJobTypes(ctx)).length > 0) return [];
  const done: string[] = [];
  const team = (await listTeams(ctx)).find((t) => t.code === 'INBOUND') ?? (await createTeam(ctx, SYSTEM_ACTOR, { code: 'INBOUND', name: 'Inbound email' }));
  for (const [inbox, code, name] of [['ASB', 'EMAILASB', 'Inbound Emails for ASB'], ['COMPLAINTS', 'EMAILCMP', 'Inbound Emails for Complaints']] as const) {
    await uploadWorkflow(ctx, SYSTEM_ACTOR, (await generateWorkflow(code, name)).text);
    const jt = await createJobType(ctx, SYSTEM_ACTOR, { code: `EMAIL_${inbox}`, name, workflowCode: code, defaultTeamId: team.id });
    await saveEventType(ctx, SYSTEM_ACTOR, { code: `EML_${inbox}`, description: `Email to the ${inbox} inbox`, jobTypeId: jt.id });
    // The complaints inbox runs on the Complaint Handling Code clock (docs/complaints.md), with the Code's timescales.
    if (inbox === 'COMPLAINTS') await setComplaintPolicy(ctx, SYSTEM_ACTOR, jt.id, {});
    done.push(`Task Manager ${inbox}`);
  }
  return done;
}
