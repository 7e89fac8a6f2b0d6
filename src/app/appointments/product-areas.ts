import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { insertProductArea, selectProductArea, selectProductAreas, updateProductAreaRow, type ProductArea } from '../../adapters/db/product-areas.ts';
import { linkReasonToProductArea, lockParameterRules, reasonsNamedByParameters, selectReason } from '../../adapters/db/reasons.ts';
import { parseOrThrow } from '../validation.ts';
import type { Actor, AppContext } from '../context.ts';

export type { ProductArea };

export const ProductAreaInput = z.object({
  code: z.string().trim().toUpperCase().regex(/^[A-Z0-9_]{1,20}$/, 'use up to 20 letters, digits or underscores'),
  name: z.string().trim().min(1, 'enter a name').max(200),
});
export type ProductAreaInput = z.input<typeof ProductAreaInput>;

export const listProductAreas = (ctx: AppContext) => selectProductAreas(ctx.db);

export async function addProductArea(ctx: AppContext, actor: Actor, input: ProductAreaInput): Promise<ProductArea> {
  const data = parseOrThrow(ProductAreaInput, input);
  if (await selectProductArea(ctx.db, data.code)) {
    throw new AppError('conflict', `Product area ${data.code} already exists`, [{ field: 'code', message: `${data.code} is taken` }]);
  }
  return ctx.db.transaction().execute(async (trx) => {
    await lockParameterRules(trx);
    const pa = await insertProductArea(trx, data);
    // The reasons named by APPT_OUTLOOK365_CANCEL_RSN / _MOVE_RSN must be linked to ALL product areas
    // (guide §2.4): a new area is linked to them at once, so the rule cannot silently break.
    const outlookReasons = await reasonsNamedByParameters(trx, ['APPT_OUTLOOK365_CANCEL_RSN', 'APPT_OUTLOOK365_MOVE_RSN']);
    for (const r of outlookReasons) if (await selectReason(trx, r.code)) await linkReasonToProductArea(trx, r.code, pa.code);
    ctx.logger.info({ productArea: pa.code, linkedReasons: outlookReasons.map((r) => r.code), by: actor.username }, 'product area added');
    return pa;
  });
}

export async function updateProductArea(ctx: AppContext, actor: Actor, code: string, patch: { name?: string; active?: boolean }): Promise<ProductArea> {
  const name = patch.name === undefined ? undefined : parseOrThrow(ProductAreaInput.shape.name, patch.name);
  const pa = await updateProductAreaRow(ctx.db, code.trim().toUpperCase(), { name, active: patch.active });
  if (!pa) throw new AppError('not_found', `There is no product area ${code}`);
  ctx.logger.info({ productArea: pa.code, by: actor.username }, 'product area changed');
  return pa;
}
