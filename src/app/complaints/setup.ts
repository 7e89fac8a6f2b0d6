import { createHash } from 'node:crypto';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import {
  deactivateHolidayFiles, deletePolicy, insertHolidayFile, selectHolidayFiles, selectPolicies, selectSettings, updateSettingsRow, upsertPolicy,
  type ComplaintSettings, type HolidayFileRecord, type PolicyRecord,
} from '../../adapters/db/complaint-setup.ts';
import { selectJobTypes } from '../../adapters/db/task-setup.ts';
import { HolidayFileError, parseBankHolidayFile } from '../../domain/complaints/holidays.ts';
import { ComplaintPolicyInput, policyFromInput } from '../../domain/complaints/policy.ts';
import { NATIONS, NATION_LABELS, type Nation } from '../../domain/complaints/working-days.ts';
import { recordAudit, type AuditActor } from '../audit.ts';
import { parseOrThrow } from '../validation.ts';
import { findTemplate } from '../email/templates.ts';
import type { AppContext } from '../context.ts';

export type { ComplaintSettings, HolidayFileRecord, PolicyRecord };

// System Setup › Complaints: which job types are complaint job types and their policy, the nation
// whose bank holidays count, loaded bank-holiday files, and the daily reminder. Every change is audited.

export const listComplaintPolicies = (ctx: AppContext) => selectPolicies(ctx.db);

export async function setComplaintPolicy(ctx: AppContext, actor: AuditActor, jobTypeId: number, input: ComplaintPolicyInput): Promise<PolicyRecord> {
  const v = parseOrThrow(ComplaintPolicyInput, input);
  const jobType = (await selectJobTypes(ctx.db)).find((j) => j.id === jobTypeId);
  if (!jobType) throw new AppError('not_found', `There is no job type with id ${jobTypeId}`);
  if (v.acknowledgementTemplate && !(await findTemplate(ctx.db, v.acknowledgementTemplate))) throw AppError.validation('acknowledgementTemplate', `There is no email template ${v.acknowledgementTemplate}`);
  const policy = policyFromInput(v);
  const before = (await selectPolicies(ctx.db)).find((p) => p.jobTypeId === jobTypeId);
  await ctx.db.transaction().execute(async (trx) => {
    await upsertPolicy(trx, jobTypeId, policy, actor.username);
    await recordAudit(trx, actor, { action: 'complaints.policy', entityType: 'job_type', entityId: jobType.code, summary: `${jobType.code} ${before ? 'complaint policy changed' : 'marked as a complaint job type'}`, before: before?.policy ?? null, after: policy });
  });
  ctx.logger.info({ jobType: jobType.code, by: actor.username }, 'complaint policy saved');
  return (await selectPolicies(ctx.db)).find((p) => p.jobTypeId === jobTypeId)!;
}

/** The job type's new tasks are no longer complaint cases; existing cases keep their policy and clock. */
export async function removeComplaintPolicy(ctx: AppContext, actor: AuditActor, jobTypeId: number): Promise<void> {
  const before = (await selectPolicies(ctx.db)).find((p) => p.jobTypeId === jobTypeId);
  if (!before) throw new AppError('not_found', `Job type ${jobTypeId} is not a complaint job type`);
  await ctx.db.transaction().execute(async (trx) => {
    await deletePolicy(trx, jobTypeId);
    await recordAudit(trx, actor, { action: 'complaints.policy', entityType: 'job_type', entityId: before.jobTypeCode, summary: `${before.jobTypeCode} is no longer a complaint job type`, before: before.policy, after: null });
  });
}

export const getComplaintSettings = (ctx: AppContext) => selectSettings(ctx.db);

export const SettingsInput = z.object({
  nation: z.enum(NATIONS, { error: `choose ${NATIONS.join(', ')}` }),
  reminderEnabled: z.boolean().default(false),
  reminderDays: z.coerce.number({ error: 'enter a whole number of working days' }).int('enter a whole number of working days').min(0, 'at least 0').max(20, 'at most 20 working days').default(2),
  reminderTo: z.string().trim().max(320).optional().transform((v) => v || null).pipe(z.email('enter an email address').nullable()),
}).refine((v) => !v.reminderEnabled || v.reminderTo, { message: 'enter the address the daily reminder goes to', path: ['reminderTo'] });
export type SettingsInput = z.input<typeof SettingsInput>;

export async function updateComplaintSettings(ctx: AppContext, actor: AuditActor, input: SettingsInput): Promise<ComplaintSettings> {
  const v = parseOrThrow(SettingsInput, input);
  const before = await selectSettings(ctx.db);
  await ctx.db.transaction().execute(async (trx) => {
    await updateSettingsRow(trx, { nation: v.nation, reminderEnabled: v.reminderEnabled, reminderDays: v.reminderDays, reminderTo: v.reminderTo }, actor.username);
    const changedNation = before.nation !== v.nation ? `; bank holidays of ${NATION_LABELS[v.nation]} from now on (existing deadlines keep theirs)` : '';
    await recordAudit(trx, actor, { action: 'complaints.settings', entityType: 'complaint_settings', summary: `Complaint settings changed${changedNation}`, before: { nation: before.nation, reminderEnabled: before.reminderEnabled, reminderDays: before.reminderDays, reminderTo: before.reminderTo }, after: v });
  });
  return selectSettings(ctx.db);
}

export const listHolidayFiles = (ctx: AppContext) => selectHolidayFiles(ctx.db);

/**
 * Loads a bank-holiday file in gov.uk's bank-holidays.json format (one or more nations). For each
 * nation in it, its dates replace the shipped ones for the years they cover, for deadlines computed
 * from now on. A file that cannot be read is refused whole, naming what is wrong.
 */
export async function loadHolidayFile(ctx: AppContext, actor: AuditActor, text: string, fileName: string | null = null): Promise<Array<{ id: number; nation: Nation; dates: number; years: number[] }>> {
  if (text.length > 2_000_000) throw AppError.validation('file', 'The file is larger than 2 MB; a bank-holiday file is a few kilobytes');
  let parsed;
  try {
    parsed = parseBankHolidayFile(text);
  } catch (err) {
    if (err instanceof HolidayFileError) throw AppError.validation('file', `Not a bank-holiday file: ${err.message}`);
    throw err;
  }
  const sha256 = createHash('sha256').update(text).digest('hex');
  const out: Array<{ id: number; nation: Nation; dates: number; years: number[] }> = [];
  await ctx.db.transaction().execute(async (trx) => {
    for (const nation of NATIONS) {
      const dates = parsed[nation];
      if (!dates?.length) continue;
      await deactivateHolidayFiles(trx, nation);
      const id = await insertHolidayFile(trx, { nation, sha256, fileName: fileName?.slice(0, 255) ?? null, dates, by: actor.username });
      const years = [...new Set(dates.map((d) => Number(d.date.slice(0, 4))))].sort();
      out.push({ id, nation, dates: dates.length, years });
      await recordAudit(trx, actor, { action: 'complaints.holidays', entityType: 'complaint_holiday_file', entityId: id, summary: `Bank holidays of ${NATION_LABELS[nation]} loaded for ${years.join(', ')} (${dates.length} dates, sha256 ${sha256.slice(0, 12)})`, after: { nation, years, dates: dates.length, sha256, fileName } });
    }
  });
  if (!out.length) throw AppError.validation('file', 'The file has no dates');
  return out;
}

/** Back to the shipped dates for a nation (deadlines computed from now on). */
export async function clearHolidayFiles(ctx: AppContext, actor: AuditActor, nation: Nation): Promise<number> {
  const n = parseOrThrow(z.enum(NATIONS), nation);
  return ctx.db.transaction().execute(async (trx) => {
    const count = await deactivateHolidayFiles(trx, n);
    if (count) await recordAudit(trx, actor, { action: 'complaints.holidays', entityType: 'complaint_holiday_file', summary: `Loaded bank holidays of ${NATION_LABELS[n]} switched off: the shipped dates apply`, after: { nation: n } });
    return count;
  });
}
