import { setTimeout as sleep } from 'node:timers/promises';
import {
  dismissParkedEmail, inboundPollStatus, listInboxSyncStates, listParkedEmails, requestBackfill, requestInboxRun, setAfterImport, startInboundPolling, stopInboundPolling,
} from '../../../app/inbound/poll-inboxes.ts';
import { OPERATOR_VIEWER } from '../../../domain/tasks/visibility.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';
import { calendarsCommand } from './calendars.ts';
import { dueIn, lastChecked } from '../poll-format.ts';

// "Start inbound poll" (guide §2.2.6), for the DBA: start / stop / status / run-now, per inbox or all.
// The running housing365 (start / worker) does the reading; these commands steer it through the
// database, so they work from any shell on the server.

const usage =
  'housing365 poll start|stop|status|run-now [--inbox ASB] [--json]\n' +
  '       housing365 poll backfill --inbox ASB --days N [--wait]\n' +
  '       housing365 poll after-import --inbox ASB mark-read|leave|move [--folder NAME]\n' +
  '       housing365 poll parked [--json] | dismiss ID\n' +
  '       housing365 poll start|stop|status|run-now --calendars [CALENDAR]   (Outlook calendars, guide 2.4.3)';

const ago = (d: Date | null | undefined) => (d ? `${Math.round((Date.now() - d.getTime()) / 60_000)} min ago` : 'never');

export const pollCommand: Command = {
  name: 'poll',
  summary: 'Start, stop, check and run the inbound email poll (guide 2.2.6)',
  usage,
  async run(argv) {
    // `poll … --calendars`: the same verbs for Outlook calendars (guide §2.4.3), see `housing365 calendars`.
    if (argv.includes('--calendars')) return calendarsCommand.run(argv.filter((a) => a !== '--calendars').map((a) => (a === 'run-now' ? 'run' : a)));
    const { values, positionals } = parse(argv, { inbox: { type: 'string' }, json: { type: 'boolean' }, days: { type: 'string' }, wait: { type: 'boolean' }, folder: { type: 'string' } }, usage);
    const [sub, arg, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    const inbox = values.inbox?.toUpperCase();
    switch (sub) {
      case 'start':
      case 'stop': {
        await withContext((ctx) => (sub === 'start' ? startInboundPolling : stopInboundPolling)(ctx, cliActor(), inbox));
        console.log(`Inbound polling ${sub === 'start' ? 'started' : 'stopped'} for ${inbox ?? 'all inboxes'}`);
        return;
      }
      case 'status': {
        const s = await withContext((ctx) => inboundPollStatus(ctx, OPERATOR_VIEWER));
        if (values.json) return void console.log(JSON.stringify(s, null, 2));
        console.log(`Inbound email: ${s.running ? 'running' : 'NOT running'} (every ${s.pollMinutes} min, EMI_POLL; ${lastChecked(s.lastCheckedAt)})`);
        for (const r of s.reasons) console.log(`  - ${r}`);
        printTable(
          s.inboxes.filter((i) => !inbox || i.code === inbox).map((i) => ({
            inbox: i.code,
            mailbox: i.mailbox,
            polled: i.state ? (i.state.pollEnabled ? 'yes' : 'stopped') : 'not yet',
            lastRun: ago(i.state?.lastRunAt),
            nextRun: dueIn(i.nextRunAt),
            ok: i.state?.lastRunOk === null || !i.state ? '' : i.state.lastRunOk ? 'ok' : 'FAILED',
            items: i.state?.lastItems ?? '',
            error: i.state?.lastError ?? i.state?.lastSkippedReason ?? '',
            cursorAge: i.cursorAgeMinutes === null ? '' : `${i.cursorAgeMinutes} min`,
            parked: i.parked,
          })),
          false,
        );
        return;
      }
      case 'run-now': {
        const chosen = await withContext((ctx) => requestInboxRun(ctx, cliActor(), inbox));
        console.log(`Run requested for ${chosen.join(', ') || '(no inboxes)'}; the running housing365 reads ${chosen.length === 1 ? 'it' : 'them'} within seconds`);
        return;
      }
      case 'backfill': {
        const days = Number(values.days);
        if (!inbox || !Number.isInteger(days)) throw new UsageError(`poll backfill needs --inbox and --days N\nusage: ${usage}`);
        await withContext((ctx) => requestBackfill(ctx, cliActor(), inbox, days));
        console.log(`Backfill of ${days} days requested for ${inbox}`);
        if (!values.wait) return;
        // Progress as the running housing365 reads the inbox again (the total is unknown until the end).
        const frames = ['[=     ]', '[ =    ]', '[  =   ]', '[   =  ]', '[    = ]', '[     =]'];
        for (let i = 0; ; i++) {
          const st = (await withContext((ctx) => listInboxSyncStates(ctx, OPERATOR_VIEWER))).find((s) => s.inbox === inbox);
          const line = `${st?.backfillDays ? frames[i % frames.length] : '[######]'} ${inbox}: ${st?.backfillSeen ?? 0} messages checked, ${st?.backfillImported ?? 0} imported`;
          process.stdout.write(process.stdout.isTTY ? `\r${line}` : `${line}\n`);
          if (!st?.backfillDays) break;
          await sleep(2000);
        }
        if (process.stdout.isTTY) process.stdout.write('\n');
        console.log('Backfill finished');
        return;
      }
      case 'after-import': {
        const action = ({ 'mark-read': 'mark_read', leave: 'leave', move: 'move' } as const)[arg as 'mark-read' | 'leave' | 'move'];
        if (!inbox || !action) throw new UsageError(`poll after-import needs --inbox and one of mark-read, leave, move\nusage: ${usage}`);
        await withContext((ctx) => setAfterImport(ctx, cliActor(), inbox, action, values.folder));
        console.log(`${inbox}: after import, ${arg}${action === 'move' ? ` to "${values.folder ?? 'Imported to housing365'}"` : ''}`);
        return;
      }
      case 'parked': {
        const list = await withContext((ctx) => listParkedEmails(ctx, OPERATOR_VIEWER));
        printTable(list.map((p) => ({ id: p.id, inbox: p.inbox, subject: p.subject ?? '', reason: p.reason, attempts: p.attempts, since: p.firstAt })), Boolean(values.json));
        return;
      }
      case 'dismiss': {
        const id = Number(arg);
        if (!Number.isInteger(id) || rest.length) throw new UsageError(`poll dismiss needs one ID\nusage: ${usage}`);
        await withContext((ctx) => dismissParkedEmail(ctx, cliActor(), id, OPERATOR_VIEWER));
        console.log(`Parked email ${id} dismissed`);
        return;
      }
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
