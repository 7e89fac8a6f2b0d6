import { sql } from 'kysely';
import type { Db } from './database.ts';
import type { ComplaintPolicy } from '../../domain/complaints/policy.ts';
import type { Nation } from '../../domain/complaints/working-days.ts';
import type { HolidayDate } from '../../domain/complaints/holidays.ts';

// Complaint set-up: policies per job type, the one settings row, loaded bank-holiday files.

export interface PolicyRecord {
  jobTypeId: number;
  jobTypeCode: string;
  jobTypeName: string;
  policy: ComplaintPolicy;
  updatedAt: Date;
  updatedBy: string;
}

export async function selectPolicies(db: Db): Promise<PolicyRecord[]> {
  const rows = await db
    .selectFrom('complaint_policies as p')
    .innerJoin('tm_job_types as jt', 'jt.id', 'p.job_type_id')
    .selectAll('p')
    .select(['jt.code', 'jt.name'])
    .orderBy('jt.code')
    .execute();
  return rows.map((r) => ({
    jobTypeId: r.job_type_id,
    jobTypeCode: r.code,
    jobTypeName: r.name,
    policy: {
      stage1: { acknowledgeDays: r.stage1_acknowledge_days, respondDays: r.stage1_respond_days, maxExtensionDays: r.stage1_max_extension_days },
      stage2: { acknowledgeDays: r.stage2_acknowledge_days, respondDays: r.stage2_respond_days, maxExtensionDays: r.stage2_max_extension_days },
      acknowledgementTemplate: r.acknowledgement_template,
    },
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  }));
}

export async function upsertPolicy(db: Db, jobTypeId: number, p: ComplaintPolicy, by: string): Promise<void> {
  const values = {
    stage1_acknowledge_days: p.stage1.acknowledgeDays,
    stage1_respond_days: p.stage1.respondDays,
    stage1_max_extension_days: p.stage1.maxExtensionDays,
    stage2_acknowledge_days: p.stage2.acknowledgeDays,
    stage2_respond_days: p.stage2.respondDays,
    stage2_max_extension_days: p.stage2.maxExtensionDays,
    acknowledgement_template: p.acknowledgementTemplate,
    updated_by: by,
    updated_at: new Date(),
  };
  await db.insertInto('complaint_policies').values({ job_type_id: jobTypeId, ...values }).onConflict((oc) => oc.column('job_type_id').doUpdateSet(values)).execute();
}

export async function deletePolicy(db: Db, jobTypeId: number): Promise<boolean> {
  const r = await db.deleteFrom('complaint_policies').where('job_type_id', '=', jobTypeId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

export interface ComplaintSettings {
  nation: Nation;
  reminderEnabled: boolean;
  reminderDays: number;
  reminderTo: string | null;
  reminderLastSentOn: string | null;
  updatedAt: Date;
  updatedBy: string;
}

export async function selectSettings(db: Db): Promise<ComplaintSettings> {
  const r = await db
    .selectFrom('complaint_settings')
    .select(['nation', 'reminder_enabled', 'reminder_days', 'reminder_to', sql<string | null>`reminder_last_sent_on::text`.as('last'), 'updated_at', 'updated_by'])
    .executeTakeFirstOrThrow();
  return { nation: r.nation as Nation, reminderEnabled: r.reminder_enabled, reminderDays: r.reminder_days, reminderTo: r.reminder_to, reminderLastSentOn: r.last, updatedAt: r.updated_at, updatedBy: r.updated_by };
}

export async function updateSettingsRow(db: Db, s: { nation: Nation; reminderEnabled: boolean; reminderDays: number; reminderTo: string | null }, by: string): Promise<void> {
  await db
    .updateTable('complaint_settings')
    .set({ nation: s.nation, reminder_enabled: s.reminderEnabled, reminder_days: s.reminderDays, reminder_to: s.reminderTo, updated_by: by, updated_at: new Date() })
    .execute();
}

/** Claims today's reminder: true once per day, whichever worker asks first. */
export async function claimReminderDay(db: Db, today: string): Promise<boolean> {
  const r = await db
    .updateTable('complaint_settings')
    .set({ reminder_last_sent_on: today })
    .where((eb) => eb.or([eb('reminder_last_sent_on', 'is', null), eb('reminder_last_sent_on', '<', today)]))
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

export interface HolidayFileRecord {
  id: number;
  nation: Nation;
  sha256: string;
  fileName: string | null;
  dates: HolidayDate[];
  firstDate: string;
  lastDate: string;
  active: boolean;
  loadedAt: Date;
  loadedBy: string;
}

const holidayFileColumns = ['id', 'nation', 'sha256', 'file_name', 'dates', sql<string>`first_date::text`.as('first'), sql<string>`last_date::text`.as('last'), 'active', 'loaded_at', 'loaded_by'] as const;

type HolidayRow = { id: number; nation: string; sha256: string; file_name: string | null; dates: HolidayDate[]; first: string; last: string; active: boolean; loaded_at: Date; loaded_by: string };
const toHolidayFile = (r: HolidayRow): HolidayFileRecord => ({ id: r.id, nation: r.nation as Nation, sha256: r.sha256, fileName: r.file_name, dates: r.dates, firstDate: r.first, lastDate: r.last, active: r.active, loadedAt: r.loaded_at, loadedBy: r.loaded_by });

export async function selectHolidayFiles(db: Db): Promise<HolidayFileRecord[]> {
  const rows = await db.selectFrom('complaint_holiday_files').select(holidayFileColumns).orderBy('id', 'desc').limit(100).execute();
  return rows.map((r) => toHolidayFile(r as HolidayRow));
}

/** The newest active file of a nation, if any. */
export async function selectActiveHolidayFile(db: Db, nation: Nation): Promise<HolidayFileRecord | undefined> {
  const r = await db.selectFrom('complaint_holiday_files').select(holidayFileColumns).where('nation', '=', nation).where('active', '=', true).orderBy('id', 'desc').executeTakeFirst();
  return r && toHolidayFile(r as HolidayRow);
}

export async function insertHolidayFile(db: Db, f: { nation: Nation; sha256: string; fileName: string | null; dates: HolidayDate[]; by: string }): Promise<number> {
  const r = await db
    .insertInto('complaint_holiday_files')
    .values({ nation: f.nation, sha256: f.sha256, file_name: f.fileName, dates: JSON.stringify(f.dates), first_date: f.dates[0].date, last_date: f.dates[f.dates.length - 1].date, loaded_by: f.by })
    .returning('id')
    .executeTakeFirstOrThrow();
  return r.id;
}

export async function deactivateHolidayFiles(db: Db, nation: Nation): Promise<number> {
  const r = await db.updateTable('complaint_holiday_files').set({ active: false }).where('nation', '=', nation).where('active', '=', true).executeTakeFirst();
  return Number(r.numUpdatedRows);
}
