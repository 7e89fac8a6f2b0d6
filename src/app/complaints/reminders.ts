import { selectDueCases } from '../../adapters/db/complaint-cases.ts';
import { claimReminderDay, selectSettings } from '../../adapters/db/complaint-setup.ts';
import { STATE_LABELS } from '../../domain/complaints/case.ts';
import { addWorkingDays, formatDay } from '../../domain/complaints/working-days.ts';
import { SYSTEM_ACTOR, type AppContext } from '../context.ts';
import { enqueueEmail, kickOutbox } from '../email/enqueue.ts';
import { complaintClock } from './clock.ts';

// The optional daily reminder (off by default): one email to the team's address, through the outbox,
// listing the complaints overdue and due within N working days. The job looks every hour; the first
// look from 07:00 in the organisation's zone sends it, once a day whichever worker runs it.

export const REMINDER_HOUR = 7;

export type ReminderResult = { sent: true; to: string; complaints: number; outboxId: string } | { sent: false; reason: string };

export async function sendComplaintReminder(ctx: AppContext, opts: { force?: boolean } = {}): Promise<ReminderResult> {
  const settings = await selectSettings(ctx.db);
  if (!settings.reminderEnabled && !opts.force) return { sent: false, reason: 'the daily reminder is switched off' };
  if (!settings.reminderTo) return { sent: false, reason: 'no address to send the reminder to (System Setup › Complaints)' };
  const now = ctx.now();
  const clock = await complaintClock(ctx.db, now);
  const hour = Number(new Intl.DateTimeFormat('en-GB', { timeZone: clock.zone, hour: '2-digit', hour12: false }).format(now));
  if (!opts.force && hour < REMINDER_HOUR) return { sent: false, reason: `it is before ${REMINDER_HOUR}:00 (${clock.zone})` };
  const until = addWorkingDays(clock.calendar, clock.today, settings.reminderDays);
  const due = await selectDueCases(ctx.db, until);
  const r = await ctx.db.transaction().execute(async (trx) => {
    if (!opts.force && !(await claimReminderDay(trx, clock.today))) return { sent: false as const, reason: `already sent today (${clock.today})` };
    if (!due.length) return { sent: false as const, reason: `no complaint is overdue or due by ${formatDay(until)}` };
    const overdue = due.filter((d) => d.due < clock.today);
    const soon = due.filter((d) => d.due >= clock.today);
    const line = (d: (typeof due)[number]) => `- Task ${d.taskId}: ${d.title} — ${d.kind === 'acknowledge' ? 'acknowledge' : 'respond'} by ${formatDay(d.due)} (${STATE_LABELS[d.state]}; ${d.assigneeName ?? (d.teamCode ? `team ${d.teamCode}` : 'unassigned')})`;
    const text = [
      `Complaints on the Complaint Handling Code clock, ${formatDay(clock.today)}.`,
      '',
      `Overdue (${overdue.length}):`, ...(overdue.length ? overdue.map(line) : ['- none']),
      '',
      `Due by ${formatDay(until)} (${soon.length}):`, ...(soon.length ? soon.map(line) : ['- none']),
      '',
      'Task Manager › Complaints lists them all, soonest deadline first.',
    ].join('\n');
    const key = opts.force ? `complaints-reminder-${clock.today}-${now.getTime()}` : `complaints-reminder-${clock.today}`;
    const q = await enqueueEmail(trx, SYSTEM_ACTOR, {
      to: [{ address: settings.reminderTo! }],
      subject: `Complaints: ${overdue.length} overdue, ${soon.length} due by ${formatDay(until)}`,
      text,
      source: 'complaints',
      sourceRef: key,
      idempotencyKey: key,
    });
    return { sent: true as const, to: settings.reminderTo!, complaints: due.length, outboxId: q.id };
  });
  if (r.sent) kickOutbox(ctx);
  return r;
}
