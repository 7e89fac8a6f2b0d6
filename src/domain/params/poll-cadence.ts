// When an inbox (EMI_POLL) or a calendar (CALI_POLL) is due to be read again (issue 14 §3). The job
// processes' scheduler checks every POLL_TICK_MS (src/transport/jobs/poll-scheduler.ts), and a run is
// due EMI_POLL / CALI_POLL minutes after the START of the last run — not its end, so a slow run does
// not push every later one back. A run counts as due POLL_DUE_SLACK_MS early: the tick that falls just
// before the minute is up takes it, so a 1-minute poll runs every 60 s, give or take a few seconds.
// (It used to be a per-minute cron tick with 5 s slack and end-of-run counting: 60–90 s apart, once 144.)

export const POLL_TICK_MS = 5_000;
export const POLL_DUE_SLACK_MS = 2_000;

/** When the next run is due, or null when there was none yet (then it is due now). */
export function nextPollDue(lastStart: Date | null, minutes: number): Date | null {
  return lastStart ? new Date(lastStart.getTime() + minutes * 60_000) : null;
}

export function isPollDue(lastStart: Date | null, minutes: number, now: Date): boolean {
  const next = nextPollDue(lastStart, minutes);
  return next === null || now.getTime() >= next.getTime() - POLL_DUE_SLACK_MS;
}
