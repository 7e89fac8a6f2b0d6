import { SYSTEM_ACTOR, type AppContext } from './context.ts';
import { listParameters, setParameter } from './parameters.ts';

// Demo mode on a fresh data directory: switch every flow on, so `npm start` shows the whole
// integration working against the built-in emulator with no set-up. Only when OUTLOOK365 has never
// been set: once an admin has touched the switches, their choice stands.
const DEMO_SWITCHES: Array<[string, string]> = [
  ['OUTLOOK365_TIMEZONE', 'GMT Standard Time'],
  ['EMI_POLL', '1'],
  ['OUTLOOK365_MOVE_VIOL_EMAIL', 'Please review the following issue for the attempted move of the following appointment in your outlook calendar:'],
  ['EMAILOUT_OUTLOOK365', 'Y'],
  ['EMAILIN_OUTLOOK365', 'Y'],
  ['APPTOUT_OUTLOOK365', 'Y'],
  ['APPTIN_OUTLOOK365', 'Y'],
  ['OUTLOOK365', 'Y'],
];

export async function switchOnDemoFlows(ctx: AppContext): Promise<string[]> {
  const stored = new Map((await listParameters(ctx)).map((p) => [p.definition.name, p.value]));
  if (stored.get('OUTLOOK365') !== null) return [];
  const done: string[] = [];
  for (const [name, value] of DEMO_SWITCHES) {
    const isSwitch = name === 'OUTLOOK365' || name.endsWith('_OUTLOOK365');
    if (!isSwitch && stored.get(name) !== null) continue;
    await setParameter(ctx, SYSTEM_ACTOR, name, value);
    done.push(`${name}=${value}`);
  }
  return done;
}
