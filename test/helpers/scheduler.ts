import { writeSchedulerRecord } from '../../src/adapters/db/poll-scheduler.ts';
import { flowsRunning } from '../../src/app/poll-flows.ts';
import type { AppContext } from '../../src/app/context.ts';

/**
 * What a running job process records at each poll-scheduler tick: for status checks in tests that run
 * the syncs themselves, with no `housing365 start` or worker behind them.
 */
export async function recordSchedulerTick(ctx: AppContext): Promise<void> {
  await writeSchedulerRecord(ctx.db, ctx.now(), await flowsRunning(ctx));
}
