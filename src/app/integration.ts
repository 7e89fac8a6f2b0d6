import { integrationStatus } from '../domain/params/integration-status.ts';
import { getLicenceState } from './licence.ts';
import { parameterValues } from './parameters.ts';
import type { AppContext } from './context.ts';

export type IntegrationStatus = ReturnType<typeof integrationStatus>;

/** The integration at a glance: licence, switches, each flow running or exactly why not. */
export async function getIntegrationStatus(ctx: AppContext): Promise<IntegrationStatus & { endpoints?: AppContext['integration'] }> {
  const [values, licence] = await Promise.all([parameterValues(ctx), getLicenceState(ctx)]);
  return { ...integrationStatus(values, licence), endpoints: ctx.integration };
}
