// Cross-parameter rules: what each Outlook 365 direction needs besides its own switch. Checked
// when a switch is turned on and whenever the status is shown; reported, never silently ignored.
import { domainOf, normaliseDomain } from './email.ts';
import { effectiveValues } from './values.ts';

export interface ParameterProblem {
  parameter: string;
  message: string;
}

export interface FlowRule {
  switchName: string;
  /** How the guide's section titles name the flow. */
  label: string;
  needs: string[];
}

// What each direction needs besides its switch, from the guide: §2.1 (EMO_EMAILADDR "needs to be
// populated"), §2.2.2 (INBOX_SERVER, EMI_POLL), §2.3 (diaries' calendar addresses are validated
// against INBOX_SERVER) and §2.4 ("All these parameters need to be configured").
export const FLOW_RULES: readonly FlowRule[] = [
  { switchName: 'EMAILOUT_OUTLOOK365', label: 'Outbound email', needs: ['EMO_EMAILADDR'] },
  { switchName: 'EMAILIN_OUTLOOK365', label: 'Inbound email', needs: ['INBOX_SERVER', 'EMI_POLL'] },
  { switchName: 'APPTOUT_OUTLOOK365', label: 'Outbound appointments', needs: ['INBOX_SERVER'] },
  {
    switchName: 'APPTIN_OUTLOOK365',
    label: 'Inbound appointments',
    needs: ['CALI_POLL', 'APPT_OUTLOOK365_CANCEL_RSN', 'APPT_OUTLOOK365_MOVE_RSN', 'OUTLOOK365_MOVE_VIOL_EMAIL', 'EMO_EMAILADDR'],
  },
];

const isSet = (v: string | null | undefined): v is string => v !== null && v !== undefined && v.trim() !== '';

/** Every cross-parameter problem in a set of values (defaults applied first). */
export function crossParameterProblems(values: Record<string, string | null>): ParameterProblem[] {
  const v = effectiveValues(values);
  const problems: ParameterProblem[] = [];
  for (const rule of FLOW_RULES) {
    if (v[rule.switchName] !== 'Y') continue;
    for (const needed of rule.needs) {
      if (!isSet(v[needed])) {
        problems.push({
          parameter: needed,
          message: `${rule.switchName} is Y but ${needed} is not set: ${rule.label.toLowerCase()} needs it`,
        });
      }
    }
    if (v.OUTLOOK365 !== 'Y') {
      problems.push({
        parameter: 'OUTLOOK365',
        message: `${rule.switchName} is Y but ${rule.label.toLowerCase()} will not run until OUTLOOK365 is Y`,
      });
    }
  }
  const mismatch = fromAddressMismatch(v);
  if (mismatch) problems.push({ parameter: 'EMO_EMAILADDR', message: mismatch });
  return problems;
}

/** The EMO_EMAILADDR / INBOX_SERVER domain rule, for values that reached storage some other way. */
export function fromAddressMismatch(values: Record<string, string | null>): string | undefined {
  const from = values.EMO_EMAILADDR;
  const server = values.INBOX_SERVER;
  if (!isSet(from) || !isSet(server)) return undefined;
  const fromDomain = domainOf(from);
  const serverDomain = normaliseDomain(server);
  if (fromDomain && serverDomain && fromDomain !== serverDomain) {
    return `EMO_EMAILADDR (${from}) is not in the INBOX_SERVER domain (${serverDomain})`;
  }
  return undefined;
}
