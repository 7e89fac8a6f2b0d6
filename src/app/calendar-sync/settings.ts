// The parameters the inbound calendar flow reads (guide §2.4), read fresh at every run so a change
// takes effect at the next poll without a restart.
import { parameterValues } from '../parameters.ts';
import type { AppContext } from '../context.ts';

export interface InboundCalendarSettings {
  cancelReason: string | null;
  moveReason: string | null;
  /** OUTLOOK365_MOVE_VIOL_EMAIL: the subject's first part. */
  violationSubject: string;
  /** EMO_EMAILADDR: the violation email is sent from here. */
  fromAddress: string | null;
  /** CALI_POLL in minutes (≥ 1). */
  pollMinutes: number;
}

export async function inboundCalendarSettings(ctx: AppContext): Promise<InboundCalendarSettings> {
  const v = await parameterValues(ctx);
  const poll = Number(v.CALI_POLL ?? '1');
  return {
    cancelReason: v.APPT_OUTLOOK365_CANCEL_RSN?.trim() || null,
    moveReason: v.APPT_OUTLOOK365_MOVE_RSN?.trim() || null,
    violationSubject: v.OUTLOOK365_MOVE_VIOL_EMAIL?.trim() ?? '',
    fromAddress: v.EMO_EMAILADDR?.trim() || null,
    pollMinutes: Number.isFinite(poll) && poll >= 1 ? Math.floor(poll) : 1,
  };
}
