import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { complaintsPerformanceCsv } from '../../../app/complaints/performance.ts';
import { getComplaintSettings, listComplaintPolicies, loadHolidayFile, removeComplaintPolicy, setComplaintPolicy, updateComplaintSettings } from '../../../app/complaints/setup.ts';
import { sendComplaintReminder } from '../../../app/complaints/reminders.ts';
import { listJobTypes } from '../../../app/tasks/setup.ts';
import { OPERATOR_VIEWER } from '../../../domain/tasks/visibility.ts';
import type { AppContext } from '../../../app/context.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

// Complaints on the Ombudsman's clock from the shell: policies per job type, the nation and the
// reminder, bank-holiday files (gov.uk's bank-holidays.json, read from disk: nothing is downloaded),
// the performance report as CSV, and the reminder sent now.

const usage = [
  'housing365 complaints policies [--json]',
  'housing365 complaints policy set JOB_TYPE_CODE [--stage1-ack N] [--stage1-respond N] [--stage1-max-extension N] [--stage2-ack N] [--stage2-respond N] [--stage2-max-extension N] [--template CODE|""]',
  'housing365 complaints policy remove JOB_TYPE_CODE',
  'housing365 complaints settings [--nation england-and-wales|scotland|northern-ireland] [--reminder on|off] [--reminder-days N] [--reminder-to ADDRESS]',
  'housing365 complaints holidays load FILE.json',
  'housing365 complaints report --year YYYY [--calendar]   (CSV on stdout)',
  'housing365 complaints remind   (send the daily reminder now, if switched on)',
].join('\n       ');

async function jobTypeId(ctx: AppContext, code: string | undefined): Promise<number> {
  if (!code) throw new UsageError(`name the job type\nusage: ${usage}`);
  const t = (await listJobTypes(ctx)).find((j) => j.code === code.toUpperCase());
  if (!t) throw new UsageError(`there is no job type ${code}`);
  return t.id;
}

export const complaintsCommand: Command = {
  name: 'complaints',
  summary: 'Complaint job types, settings, bank holidays, the performance report',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, {
      json: { type: 'boolean' }, 'stage1-ack': { type: 'string' }, 'stage1-respond': { type: 'string' }, 'stage1-max-extension': { type: 'string' },
      'stage2-ack': { type: 'string' }, 'stage2-respond': { type: 'string' }, 'stage2-max-extension': { type: 'string' }, template: { type: 'string' },
      nation: { type: 'string' }, reminder: { type: 'string' }, 'reminder-days': { type: 'string' }, 'reminder-to': { type: 'string' }, year: { type: 'string' }, calendar: { type: 'boolean' },
    }, usage);
    const [sub, verb, arg] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'policies') {
      const list = await withContext(listComplaintPolicies);
      printTable(list.map((p) => ({ jobType: p.jobTypeCode, stage1: `${p.policy.stage1.acknowledgeDays}/${p.policy.stage1.respondDays}/${p.policy.stage1.maxExtensionDays}`, stage2: `${p.policy.stage2.acknowledgeDays}/${p.policy.stage2.respondDays}/${p.policy.stage2.maxExtensionDays}`, template: p.policy.acknowledgementTemplate ?? '' })), Boolean(values.json));
      return;
    }
    if (sub === 'policy' && verb === 'set') {
      const p = await withContext(async (ctx) => setComplaintPolicy(ctx, cliActor(), await jobTypeId(ctx, arg), {
        stage1AcknowledgeDays: values['stage1-ack'], stage1RespondDays: values['stage1-respond'], stage1MaxExtensionDays: values['stage1-max-extension'],
        stage2AcknowledgeDays: values['stage2-ack'], stage2RespondDays: values['stage2-respond'], stage2MaxExtensionDays: values['stage2-max-extension'],
        acknowledgementTemplate: values.template ?? 'COMPLAINT_ACK',
      }));
      console.log(`${p.jobTypeCode} is a complaint job type: stage 1 ${p.policy.stage1.acknowledgeDays}/${p.policy.stage1.respondDays}/${p.policy.stage1.maxExtensionDays}, stage 2 ${p.policy.stage2.acknowledgeDays}/${p.policy.stage2.respondDays}/${p.policy.stage2.maxExtensionDays} working days (acknowledge/respond/max extension)`);
      return;
    }
    if (sub === 'policy' && verb === 'remove') {
      await withContext(async (ctx) => removeComplaintPolicy(ctx, cliActor(), await jobTypeId(ctx, arg)));
      console.log(`${arg!.toUpperCase()} is no longer a complaint job type (existing cases keep their clock)`);
      return;
    }
    if (sub === 'settings') {
      const s = await withContext(async (ctx) => {
        const cur = await getComplaintSettings(ctx);
        if (values.nation === undefined && values.reminder === undefined && values['reminder-days'] === undefined && values['reminder-to'] === undefined) return cur;
        if (values.reminder !== undefined && !['on', 'off'].includes(values.reminder)) throw new UsageError('--reminder is on or off');
        return updateComplaintSettings(ctx, cliActor(), {
          nation: (values.nation ?? cur.nation) as never,
          reminderEnabled: values.reminder === undefined ? cur.reminderEnabled : values.reminder === 'on',
          reminderDays: values['reminder-days'] ?? cur.reminderDays,
          reminderTo: values['reminder-to'] ?? cur.reminderTo ?? undefined,
        });
      });
      printTable([{ nation: s.nation, reminder: s.reminderEnabled ? 'on' : 'off', reminderDays: s.reminderDays, reminderTo: s.reminderTo ?? '' }], Boolean(values.json));
      return;
    }
    if (sub === 'holidays' && verb === 'load') {
      if (!arg) throw new UsageError(`name the file\nusage: ${usage}`);
      const text = await readFile(arg, 'utf8').catch((err: NodeJS.ErrnoException) => { throw new UsageError(`cannot read ${arg}: ${err.code ?? err.message}`); });
      const r = await withContext((ctx) => loadHolidayFile(ctx, cliActor(), text, path.basename(arg)));
      for (const x of r) console.log(`${x.nation}: ${x.dates} dates for ${x.years.join(', ')} (file ${x.id})`);
      return;
    }
    if (sub === 'report') {
      const { csv } = await withContext((ctx) => complaintsPerformanceCsv(ctx, OPERATOR_VIEWER, { year: values.year ?? '', period: values.calendar ? 'calendar' : 'financial' }));
      process.stdout.write(csv);
      return;
    }
    if (sub === 'remind') {
      const r = await withContext((ctx) => sendComplaintReminder(ctx, { force: true }));
      console.log(r.sent ? `Reminder queued to ${r.to} (${r.complaints} complaints, outbox ${r.outboxId})` : `No reminder sent: ${r.reason}`);
      return;
    }
    throw new UsageError(`unknown subcommand "${[sub, verb].filter(Boolean).join(' ')}"\nusage: ${usage}`);
  },
};
