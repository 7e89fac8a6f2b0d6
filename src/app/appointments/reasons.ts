// Appointment Reasons (Estates › Appointments › Appointment Reasons): code, description, kind (book,
// move, cancel) and the product areas a reason applies to.
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { activeProductAreaCodes, selectProductAreas } from '../../adapters/db/product-areas.ts';
import { insertReason, lockParameterRules, reasonsNamedByParameters, selectReason, selectReasons, setReasonProductAreas, updateReasonRow, type AppointmentReason } from '../../adapters/db/reasons.ts';
import { outlookReasonProblem } from '../../domain/appointments/rules.ts';
import { parseOrThrow } from '../validation.ts';
import type { Db } from '../../adapters/db/database.ts';
import type { Actor, AppContext } from '../context.ts';

export type { AppointmentReason };

export const REASON_KINDS = ['book', 'move', 'cancel'] as const;

export const ReasonInput = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,20}$/, 'use up to 20 letters, digits or underscores'),
  description: z.string().trim().min(1, 'enter a description').max(200),
  kind: z.enum(REASON_KINDS, { message: 'choose book, move or cancel' }),
  productAreas: z.array(z.string().trim().toUpperCase()).default([]),
});
export type ReasonInput = z.input<typeof ReasonInput>;

export const ReasonPatch = z.object({
  description: z.string().trim().min(1, 'enter a description').max(200).optional(),
  active: z.boolean().optional(),
  productAreas: z.array(z.string().trim().toUpperCase()).optional(),
});
export type ReasonPatch = z.input<typeof ReasonPatch>;

export const listReasons = (ctx: AppContext, filter: { kind?: string; productArea?: string } = {}) => selectReasons(ctx.db, filter);

export async function getReason(ctx: AppContext, code: string): Promise<AppointmentReason> {
  const r = await selectReason(ctx.db, code.trim().toUpperCase());
  if (!r) throw new AppError('not_found', `There is no appointment reason ${code}`);
  return r;
}

async function checkProductAreas(db: Db, codes: readonly string[]): Promise<void> {
  const known = new Set((await selectProductAreas(db)).map((p) => p.code));
  const unknown = codes.filter((c) => !known.has(c));
  if (unknown.length > 0) throw AppError.validation('productAreas', `There is no product area ${unknown.join(', ')}; add it under Product Areas first`);
}

export async function addReason(ctx: AppContext, actor: Actor, input: ReasonInput): Promise<AppointmentReason> {
  const data = parseOrThrow(ReasonInput, input);
  return ctx.db.transaction().execute(async (trx) => {
    if (await selectReason(trx, data.code)) {
      throw new AppError('conflict', `Appointment reason ${data.code} already exists`, [{ field: 'code', message: `${data.code} is taken` }]);
    }
    await checkProductAreas(trx, data.productAreas);
    await insertReason(trx, { code: data.code, description: data.description, kind: data.kind });
    await setReasonProductAreas(trx, data.code, [...new Set(data.productAreas)]);
    ctx.logger.info({ reason: data.code, by: actor.username }, 'appointment reason added');
    return (await selectReason(trx, data.code))!;
  });
}

export async function updateReason(ctx: AppContext, actor: Actor, code: string, patch: ReasonPatch): Promise<AppointmentReason> {
  const data = parseOrThrow(ReasonPatch, patch);
  const key = code.trim().toUpperCase();
  return ctx.db.transaction().execute(async (trx) => {
    await lockParameterRules(trx);
    const before = await selectReason(trx, key);
    if (!before) throw new AppError('not_found', `There is no appointment reason ${code}`);
    if (data.productAreas) await checkProductAreas(trx, data.productAreas);
    // A reason named by APPT_OUTLOOK365_CANCEL_RSN / _MOVE_RSN must stay linked to every product area
    // and stay active, or Outlook cancels and moves would fail later with no one watching.
    const after: AppointmentReason = { ...before, ...data, productAreas: data.productAreas ?? before.productAreas } as AppointmentReason;
    const usedBy = await parametersNaming(trx, key);
    if (usedBy.length > 0) {
      if (after.active === false) throw AppError.validation('active', `Appointment reason ${key} is used by ${usedBy.join(' and ')}; change the parameter first`);
      const all = await activeProductAreaCodes(trx);
      for (const p of usedBy) {
        const problem = outlookReasonProblem(p, after, all);
        if (problem) throw AppError.validation('productAreas', problem);
      }
    }
    if (data.description !== undefined || data.active !== undefined) await updateReasonRow(trx, key, { description: data.description, active: data.active });
    if (data.productAreas) await setReasonProductAreas(trx, key, [...new Set(data.productAreas)]);
    ctx.logger.info({ reason: key, by: actor.username }, 'appointment reason changed');
    return (await selectReason(trx, key))!;
  });
}

const OUTLOOK_REASON_PARAMETERS = ['APPT_OUTLOOK365_CANCEL_RSN', 'APPT_OUTLOOK365_MOVE_RSN'] as const;
type OutlookReasonParameter = (typeof OUTLOOK_REASON_PARAMETERS)[number];

async function parametersNaming(db: Db, code: string): Promise<OutlookReasonParameter[]> {
  const rows = await reasonsNamedByParameters(db, OUTLOOK_REASON_PARAMETERS);
  return rows.filter((r) => r.code === code).map((r) => r.parameter as OutlookReasonParameter);
}

/**
 * For setParameter: the guide's rule that APPT_OUTLOOK365_CANCEL_RSN and APPT_OUTLOOK365_MOVE_RSN
 * name reasons "associated with all product areas", and of the right kind. Undefined when fine, or
 * when the code does not exist (the parameter validator reports that in its own words).
 */
export async function reasonParameterProblem(db: Db, parameter: string, raw: string | null): Promise<string | undefined> {
  if (!raw || !(OUTLOOK_REASON_PARAMETERS as readonly string[]).includes(parameter)) return undefined;
  const reason = (await selectReason(db, raw.trim())) ?? (await selectReason(db, raw.trim().toUpperCase()));
  if (!reason) return undefined;
  return outlookReasonProblem(parameter as OutlookReasonParameter, reason, await activeProductAreaCodes(db));
}

/** For `housing365 doctor` and the Integration page: the same rule over the stored values. */
export async function outlookReasonProblems(ctx: AppContext): Promise<Array<{ parameter: string; message: string }>> {
  const rows = (await reasonsNamedByParameters(ctx.db, OUTLOOK_REASON_PARAMETERS)).map((r) => ({ name: r.parameter, value: r.code }));
  const out: Array<{ parameter: string; message: string }> = [];
  for (const r of rows) {
    if (!r.value) continue;
    const reason = await selectReason(ctx.db, r.value);
    if (!reason) {
      out.push({ parameter: r.name, message: `${r.name} names ${r.value}, which is not an appointment reason` });
      continue;
    }
    if (!reason.active) out.push({ parameter: r.name, message: `${r.name} names ${r.value}, which is no longer active` });
    const problem = await reasonParameterProblem(ctx.db, r.name, r.value);
    if (problem) out.push({ parameter: r.name, message: problem });
  }
  return out;
}
