import { AppError } from '../errors.ts';
import { FRV_DOMAINS, validateFrv } from '../domain/frv/frv.ts';
import { insertFrv, selectFrv, selectFrvs, updateFrvRow, type FrvValue } from '../adapters/db/frvs.ts';
import type { Actor, AppContext } from './context.ts';
import { recordAudit } from './audit.ts';

export type FrvView = FrvValue;

function checkDomain(domain: string): string {
  const d = domain.trim().toUpperCase();
  if (!FRV_DOMAINS.some((x) => x.domain === d)) {
    throw AppError.validation('domain', `Unknown FRV domain ${domain}; known domains: ${FRV_DOMAINS.map((x) => x.domain).join(', ')}`);
  }
  return d;
}

export async function listFrvs(ctx: AppContext, domain?: string): Promise<FrvView[]> {
  return selectFrvs(ctx.db, domain ? checkDomain(domain) : undefined);
}

/** Active codes of one domain: e.g. the inboxes to read (EXCHANGE_INBOX). */
export async function activeFrvCodes(ctx: AppContext, domain: string): Promise<string[]> {
  return (await selectFrvs(ctx.db, checkDomain(domain))).filter((f) => f.active).map((f) => f.code);
}

export async function addFrv(ctx: AppContext, actor: Actor, input: { domain: string; code: string; description: string }): Promise<FrvView> {
  const domain = checkDomain(input.domain);
  const code = input.code.trim().toUpperCase();
  const description = input.description.trim();
  const problem = validateFrv(domain, code, description);
  if (problem) throw AppError.validation(problem.field, problem.message);
  if (!(await insertFrv(ctx.db, { domain, code, description }))) {
    throw new AppError('conflict', `${domain} already has a value ${code}`, [{ field: 'code', message: `${code} already exists in ${domain}` }]);
  }
  ctx.logger.info({ domain, code, by: actor.username }, 'FRV added');
  await recordAudit(ctx.db, actor, { action: 'frv.add', entityType: 'frv', entityId: `${domain}/${code}`, summary: `${domain} ${code} added: ${description}`, after: { domain, code, description, active: true } });
  return (await selectFrv(ctx.db, domain, code))!;
}

export async function updateFrv(
  ctx: AppContext,
  actor: Actor,
  domainIn: string,
  codeIn: string,
  patch: { description?: string; active?: boolean },
): Promise<FrvView> {
  const domain = checkDomain(domainIn);
  const code = codeIn.trim().toUpperCase();
  if (patch.description !== undefined) {
    const problem = validateFrv(domain, code, patch.description.trim());
    if (problem) throw AppError.validation(problem.field, problem.message);
  }
  const before = await selectFrv(ctx.db, domain, code);
  const ok = await updateFrvRow(ctx.db, domain, code, { ...patch, description: patch.description?.trim() });
  if (!ok) throw new AppError('not_found', `${domain} has no value ${code}`, [{ field: 'code', message: `no such code ${code}` }]);
  ctx.logger.info({ domain, code, by: actor.username }, 'FRV updated');
  const after = (await selectFrv(ctx.db, domain, code))!;
  const what = patch.active === false ? 'deactivated' : patch.active === true ? 'reactivated' : 'updated';
  await recordAudit(ctx.db, actor, { action: `frv.${what === 'updated' ? 'update' : what === 'deactivated' ? 'deactivate' : 'activate'}`, entityType: 'frv', entityId: `${domain}/${code}`, summary: `${domain} ${code} ${what}`, before, after });
  return after;
}

export async function deactivateFrv(ctx: AppContext, actor: Actor, domain: string, code: string): Promise<FrvView> {
  return updateFrv(ctx, actor, domain, code, { active: false });
}
