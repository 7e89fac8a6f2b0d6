import { z } from 'zod';
import { selectBadges, selectCaseOfTask, selectComplaintCounts, selectComplaintList, type ComplaintCase, type ComplaintListRow, type StoredDeadline } from '../../adapters/db/complaint-cases.ts';
import { deadlineState, explainDeadline, stageOf, stepsFrom, type CaseState, type CaseStep, type DeadlineKind, type DeadlineState } from '../../domain/complaints/case.ts';
import { departuresFromCode } from '../../domain/complaints/policy.ts';
import { getTask } from '../tasks/tasks.ts';
import { viewerOf } from '../tasks/viewer.ts';
import { parseOrThrow } from '../validation.ts';
import { complaintClock, type ComplaintClock } from './clock.ts';
import type { AppContext, Principal } from '../context.ts';

// What pages and the API show of complaints: always the deadline in force, its state today (on
// time / due soon / overdue), and why it is that date.

export interface DeadlineView extends StoredDeadline {
  explanation: string;
  status: 'open' | 'met' | 'missed' | 'superseded';
}

export interface ComplaintView {
  case: ComplaintCase;
  stage: 1 | 2 | null;
  current: { due: string; kind: DeadlineKind; state: DeadlineState; explanation: string } | null;
  deadlines: DeadlineView[];
  nextSteps: CaseStep[];
  departures: string[];
  today: string;
  /** The organisation's zone (which day it is). */
  zone: string;
}

function deadlineStatus(d: StoredDeadline): DeadlineView['status'] {
  if (d.supersededAt) return 'superseded';
  if (d.metOn) return d.metOn <= d.due ? 'met' : 'missed';
  return 'open';
}

export function viewOfCase(c: ComplaintCase, clock: ComplaintClock): ComplaintView {
  const open = [...c.deadlines].reverse().find((d) => !d.supersededAt && !d.metOn && d.due === c.currentDue);
  return {
    case: c,
    stage: stageOf(c.state),
    current: c.currentDue && c.currentKind ? { due: c.currentDue, kind: c.currentKind, state: deadlineState(clock.calendar, c.currentDue, clock.today), explanation: open ? explainDeadline(open) : '' } : null,
    deadlines: c.deadlines.map((d) => ({ ...d, explanation: explainDeadline(d), status: deadlineStatus(d) })),
    nextSteps: stepsFrom(c.state),
    departures: departuresFromCode(c.policy),
    today: clock.today,
    zone: clock.zone,
  };
}

/** The complaint of a task the principal may see, or null when the task is no complaint. */
export async function getComplaintForTask(ctx: AppContext, principal: Principal, taskId: number): Promise<ComplaintView | null> {
  const task = await getTask(ctx, principal, taskId);
  const c = await selectCaseOfTask(ctx.db, task.id);
  if (!c) return null;
  return viewOfCase(c, await complaintClock(ctx.db, ctx.now()));
}

export interface ComplaintBadge {
  state: CaseState;
  stage: 1 | 2 | null;
  due: string | null;
  kind: DeadlineKind | null;
  dueState: DeadlineState | null;
}

/** Stage, next deadline and its state for each of these (already visible) tasks that is a complaint. */
export async function complaintBadges(ctx: AppContext, taskIds: readonly number[]): Promise<Map<number, ComplaintBadge>> {
  const badges = await selectBadges(ctx.db, taskIds);
  if (!badges.size) return new Map();
  const clock = await complaintClock(ctx.db, ctx.now());
  return new Map([...badges].map(([id, b]) => [id, { state: b.state, stage: stageOf(b.state), due: b.currentDue, kind: b.currentKind, dueState: b.currentDue ? deadlineState(clock.calendar, b.currentDue, clock.today) : null }]));
}

export const ComplaintListInput = z.object({
  stage: z.coerce.number().int().min(1).max(2).optional().or(z.literal('').transform(() => undefined)),
  due: z.enum(['overdue', 'due_soon', 'on_time']).optional().or(z.literal('').transform(() => undefined)),
  include: z.enum(['open', 'all']).default('open'),
  /** me: assigned to me or one of my teams. */
  scope: z.enum(['me', 'all']).default('all'),
  sort: z.enum(['deadline', 'received']).default('deadline'),
  limit: z.coerce.number().int().min(1).max(500).default(200),
});
export type ComplaintListInput = z.input<typeof ComplaintListInput>;

export interface ComplaintListItem extends ComplaintListRow {
  stage: 1 | 2 | null;
  dueState: DeadlineState | null;
}

/** The complaints the principal may see, filtered by stage and deadline state, soonest deadline first. */
export async function listComplaints(ctx: AppContext, principal: Principal, input: ComplaintListInput = {}): Promise<{ items: ComplaintListItem[]; more: boolean; today: string }> {
  const v = parseOrThrow(ComplaintListInput, input);
  const [viewer, clock] = await Promise.all([viewerOf(ctx, principal), complaintClock(ctx.db, ctx.now())]);
  const r = await selectComplaintList(ctx.db, viewer, {
    stage: v.stage as 1 | 2 | undefined,
    due: v.due,
    include: v.include,
    today: clock.today,
    soonUntil: clock.soonUntil,
    mine: v.scope === 'me' ? { userId: viewer.userId, teamIds: viewer.teamIds } : undefined,
    sort: v.sort,
    limit: v.limit,
  });
  return { more: r.more, today: clock.today, items: r.rows.map((row) => ({ ...row, stage: stageOf(row.state), dueState: row.currentDue ? deadlineState(clock.calendar, row.currentDue, clock.today) : null })) };
}

export type ComplaintCounts = Record<1 | 2, Record<DeadlineState | 'waiting', number>>;

/** Open complaints by stage and deadline state (the Task Manager Summary). */
export async function complaintCounts(ctx: AppContext, principal: Principal): Promise<ComplaintCounts> {
  const [viewer, clock] = await Promise.all([viewerOf(ctx, principal), complaintClock(ctx.db, ctx.now())]);
  const zero = () => ({ overdue: 0, due_soon: 0, on_time: 0, waiting: 0 });
  const out: ComplaintCounts = { 1: zero(), 2: zero() };
  for (const r of await selectComplaintCounts(ctx.db, viewer, clock.today, clock.soonUntil)) out[r.stage][r.due] = r.n;
  return out;
}
