import type PgBoss from 'pg-boss';
import type { AppContext } from '../../app/context.ts';

/**
 * A background flow (outbox sender, inbox poll, calendar push …) registers its pg-boss queues,
 * workers and schedules through one of these. Each flow is one module; `housing365 start` (and
 * `worker`) registers them all after pg-boss has started, and pg-boss stops them on shutdown.
 */
export interface JobModule {
  name: string;
  register(boss: PgBoss, ctx: AppContext): Promise<void>;
}
