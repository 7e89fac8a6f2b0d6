import { AppError } from '../errors.ts';
import { PARAMETERS, getParameterDefinition, type ParameterDefinition } from '../domain/params/definitions.ts';
import { validateParameter, effectiveValues } from '../domain/params/validate.ts';
import {
  appointmentReasonCodes,
  postgresTimeZoneNames,
  lockParameterWrites,
  readParameters,
  writeParameter,
} from '../adapters/db/parameters.ts';
import type { Actor, AppContext } from './context.ts';
import { reasonParameterProblem } from './appointments/reasons.ts';
import { recordAudit } from './audit.ts';

export interface ParameterView {
  definition: ParameterDefinition;
  /** What is stored (null when never set or cleared). */
  value: string | null;
  /** What the system uses: the stored value, else the guide's default. */
  effective: string | null;
  updatedAt: Date | null;
  updatedBy: string | null;
  /** After a change: what will not run until another parameter is set (saved, but reported). */
  warnings?: Array<{ parameter: string; message: string }>;
}

export async function listParameters(ctx: AppContext): Promise<ParameterView[]> {
  const stored = await readParameters(ctx.db);
  const raw = Object.fromEntries(PARAMETERS.map((d) => [d.name, stored.get(d.name)?.value ?? null]));
  const effective = effectiveValues(raw);
  return PARAMETERS.map((definition) => {
    const row = stored.get(definition.name);
    return {
      definition,
      value: row?.value ?? null,
      effective: effective[definition.name] ?? null,
      updatedAt: row?.updatedAt ?? null,
      updatedBy: row?.updatedBy ?? null,
    };
  });
}

export async function getParameter(ctx: AppContext, name: string): Promise<ParameterView> {
  const key = name.trim().toUpperCase();
  const view = (await listParameters(ctx)).find((p) => p.definition.name === key);
  if (!view) throw new AppError('not_found', `There is no system parameter called ${name}`, [{ field: 'name', message: `unknown parameter ${name}` }]);
  return view;
}

/** Effective values of all 15 parameters, keyed by name: what the flows read. */
export async function parameterValues(ctx: AppContext): Promise<Record<string, string | null>> {
  const views = await listParameters(ctx);
  return Object.fromEntries(views.map((v) => [v.definition.name, v.effective]));
}

export async function setParameter(ctx: AppContext, actor: Actor, name: string, raw: string | null): Promise<ParameterView> {
  const key = name.trim().toUpperCase();
  const definition = getParameterDefinition(key);
  if (!definition) {
    throw new AppError('not_found', `There is no system parameter called ${name}`, [{ field: 'name', message: `unknown parameter ${name}` }]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    await lockParameterWrites(trx);
    const stored = await readParameters(trx);
    const values = effectiveValues(Object.fromEntries(PARAMETERS.map((d) => [d.name, stored.get(d.name)?.value ?? null])));
    const [codes, zones] = await Promise.all([
      definition.datatype === 'Coded' ? appointmentReasonCodes(trx) : Promise.resolve(new Set<string>()),
      key === 'OUTLOOK365_ORACLE_TIMEZONE' ? postgresTimeZoneNames(trx) : Promise.resolve(new Set<string>()),
    ]);
    const result = validateParameter(key, raw, {
      values,
      codeExists: (_table, code) => codes.has(code),
      postgresTimeZones: zones,
    });
    if (!result.ok) throw AppError.validation(key, result.message);
    // APPT_OUTLOOK365_CANCEL_RSN / _MOVE_RSN: the reason must be associated with all product areas (guide §2.4).
    const reasonProblem = definition.datatype === 'Coded' ? await reasonParameterProblem(trx, key, result.value) : undefined;
    if (reasonProblem) throw AppError.validation(key, reasonProblem);
    await writeParameter(trx, key, result.value, actor.username);
    const before = stored.get(key)?.value ?? null;
    await recordAudit(trx, actor, { action: 'parameter.set', entityType: 'parameter', entityId: key, summary: `${key}: ${before ?? '(not set)'} → ${result.value ?? '(not set)'}`, before: { value: before }, after: { value: result.value } });
    ctx.logger.info({ parameter: key, by: actor.username }, 'system parameter changed');
    const row = (await readParameters(trx)).get(key)!;
    const after = effectiveValues({ ...values, [key]: result.value });
    return { definition, value: row.value, effective: after[key] ?? null, updatedAt: row.updatedAt, updatedBy: row.updatedBy, warnings: result.warnings };
  });
}
