import type { Db } from '../../adapters/db/database.ts';
import { insertCase, insertDeadline, selectComplaintTasks } from '../../adapters/db/complaint-cases.ts';
import { selectPolicies } from '../../adapters/db/complaint-setup.ts';
import { insertHistory } from '../../adapters/db/tasks.ts';
import { codeDeadline, explainDeadline } from '../../domain/complaints/case.ts';
import { complaintClock } from './clock.ts';

/**
 * The hook where tasks are raised: each new task whose job type has a complaint policy becomes a
 * stage 1 complaint case, received when its email was received (else when the task was raised), with
 * its acknowledgement deadline. Runs in the raising transaction.
 */
export async function openComplaintCases(trx: Db, taskIds: readonly number[], at: Date): Promise<number> {
  if (!taskIds.length) return 0;
  const tasks = await selectComplaintTasks(trx, taskIds);
  if (!tasks.length) return 0;
  const [policies, clock] = await Promise.all([selectPolicies(trx), complaintClock(trx, at)]);
  let opened = 0;
  for (const t of tasks) {
    const policy = policies.find((p) => p.jobTypeId === t.jobTypeId)!.policy;
    const receivedAt = t.receivedAt ?? t.createdAt;
    const receivedOn = clock.dayOf(receivedAt);
    const ack = codeDeadline(clock.calendar, policy, 1, 'acknowledge', receivedOn);
    const caseId = await insertCase(trx, { taskId: t.id, jobTypeId: t.jobTypeId, policy, receivedAt, receivedOn, currentDue: ack.due, at });
    if (!caseId) continue;
    await insertDeadline(trx, caseId, ack, at);
    await insertHistory(trx, { taskId: t.id, actor: 'system', action: 'complaint opened at stage 1', detail: explainDeadline(ack), at });
    opened++;
  }
  return opened;
}
