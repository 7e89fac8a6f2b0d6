// Which Outlook 365 flows run, and exactly why the others do not — one answer shared by the home
// page, the API, the CLI and the job scheduler, so they never disagree.
import { FLOW_RULES, crossParameterProblems, fromAddressMismatch, type ParameterProblem } from './cross-parameter.ts';
import { effectiveValues } from './values.ts';

export type Flow = 'emailOut' | 'emailIn' | 'apptOut' | 'apptIn';

export interface LicenceState {
  valid: boolean;
  features: string[];
  customer?: string;
  expiresAt?: Date;
  /** Why the licence is not valid, as a sentence (e.g. "The licence expired on 2026-01-31"). */
  problem?: string;
}

export interface FlowStatus {
  flow: Flow;
  switchName: string;
  label: string;
  running: boolean;
  reasons: string[];
}

export interface IntegrationStatus {
  outlook365: boolean;
  licensed: boolean;
  flows: FlowStatus[];
  problems: ParameterProblem[];
}

const FLOW_IDS: Record<string, Flow> = {
  EMAILOUT_OUTLOOK365: 'emailOut',
  EMAILIN_OUTLOOK365: 'emailIn',
  APPTOUT_OUTLOOK365: 'apptOut',
  APPTIN_OUTLOOK365: 'apptIn',
};

// Guide §2.2.1: inbound email lands in Task Manager — "Also the NEC Task Manager Licence and
// configuration needs to be applied."
const EXTRA_FEATURES: Partial<Record<Flow, string>> = { emailIn: 'TASK_MANAGER' };

export function integrationStatus(values: Record<string, string | null>, licence: LicenceState): IntegrationStatus {
  const v = effectiveValues(values);
  const outlook365 = v.OUTLOOK365 === 'Y';
  const licensed = licence.valid && licence.features.includes('OUTLOOK365');
  const licenceReasons = licenceProblems(licence);
  const mismatch = fromAddressMismatch(v);

  const flows = FLOW_RULES.map((rule): FlowStatus => {
    const flow = FLOW_IDS[rule.switchName];
    const reasons = [...licenceReasons];
    const extra = EXTRA_FEATURES[flow];
    if (extra && licence.valid && !licence.features.includes(extra)) {
      reasons.push(`The licence does not include ${extra}, which ${rule.label.toLowerCase()} needs`);
    }
    if (!outlook365) reasons.push(switchReason('OUTLOOK365', v.OUTLOOK365));
    if (v[rule.switchName] !== 'Y') reasons.push(switchReason(rule.switchName, v[rule.switchName]));
    for (const needed of rule.needs) {
      if (v[needed] === null || v[needed]?.trim() === '') reasons.push(`${needed} is not set`);
    }
    if (mismatch && rule.needs.includes('EMO_EMAILADDR')) reasons.push(mismatch);
    return { flow, switchName: rule.switchName, label: rule.label, running: reasons.length === 0, reasons };
  });

  return { outlook365, licensed, flows, problems: crossParameterProblems(v) };
}

function licenceProblems(licence: LicenceState): string[] {
  if (!licence.valid) return [licence.problem ?? 'No valid OUTLOOK365 licence is installed'];
  if (!licence.features.includes('OUTLOOK365')) {
    const covers = licence.features.length > 0 ? `; it covers ${licence.features.join(', ')}` : '';
    return [`The installed licence does not include OUTLOOK365${covers}`];
  }
  return [];
}

function switchReason(name: string, value: string | null | undefined): string {
  return value === null || value === undefined ? `${name} is not set (it must be Y)` : `${name} is ${value}`;
}
