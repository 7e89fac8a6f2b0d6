// housing365 calendars — inbound calendar polling (guide §2.4.3 "Start Inbound Poll"): status per
// calendar, start / stop, run-now, and the log of what was applied or refused.
import { calendarPollStatus, calendarSyncLog, requestCalendarRun, startCalendarPolling, stopCalendarPolling } from '../../../app/calendar-sync/poll-calendars.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';
import { dueIn, lastChecked } from '../poll-format.ts';

const usage = 'housing365 calendars status [--json] | start | stop | run [CALENDAR] | log [CALENDAR] [--json]';

const when = (d: Date | null | undefined) => (d ? d.toISOString().replace('T', ' ').slice(0, 19) : '');

export const calendarsCommand: Command = {
  name: 'calendars',
  summary: 'Inbound calendar polling: status, start, stop, run now, log',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
    const [sub, calendar, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (rest.length) throw new UsageError(`too many arguments\nusage: ${usage}`);
    if (sub === 'status') {
      const s = await withContext(calendarPollStatus);
      if (values.json) return void console.log(JSON.stringify(s, null, 2));
      console.log(`Calendar polling: ${s.running ? `running, every ${s.pollMinutes} minute(s) (CALI_POLL)` : 'not running'}; ${lastChecked(s.lastCheckedAt)}`);
      for (const r of s.reasons) console.log(`  - ${r}`);
      printTable(
        s.calendars.map((c) => ({
          calendar: c.calendar,
          diaries: c.diaryCodes.join(','),
          'last sync': when(c.state?.lastSuccessAt),
          'next run': dueIn(c.nextRunAt),
          applied: c.state?.applied ?? 0,
          refused: c.state?.refused ?? 0,
          errors: c.state?.errors ?? 0,
          last: c.state?.running ? 'running now' : (c.state?.lastResult ?? 'never polled'),
        })),
        false,
      );
      return;
    }
    if (sub === 'start' || sub === 'stop') {
      await withContext((ctx) => (sub === 'start' ? startCalendarPolling(ctx, cliActor()) : stopCalendarPolling(ctx, cliActor())));
      console.log(sub === 'start' ? 'Calendar polling started: every mapped calendar is read every CALI_POLL minutes.' : 'Calendar polling stopped.');
      return;
    }
    if (sub === 'run') {
      const chosen = await withContext((ctx) => requestCalendarRun(ctx, cliActor(), calendar));
      console.log(`${chosen.length} calendar(s) will be synced within seconds by the running housing365.`);
      return;
    }
    if (sub === 'log') {
      const log = await withContext((ctx) => calendarSyncLog(ctx, { calendar, limit: 100 }));
      printTable(log.map((e) => ({ at: when(e.at), calendar: e.calendar, ref: e.ref ?? '', outcome: e.outcome, detail: e.detail })), Boolean(values.json));
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
