/**
 * Demo mode: a first start fills the settings a demo needs — only those still unset, never
 * overwriting an admin's choice — and says what it set.
 */
import { demoDomain, demoMailboxes } from '../../adapters/graph/demo-tenant.ts';
import { SYSTEM_ACTOR, type AppContext } from '../context.ts';
import { addFrv, listFrvs } from '../frvs.ts';
import { parameterValues, setParameter } from '../parameters.ts';

export async function applyDemoDefaults(ctx: AppContext): Promise<string[]> {
  const done: string[] = [];
  const values = await parameterValues(ctx);
  // INBOX_SERVER first: EMO_EMAILADDR must share its domain.
  for (const [name, value] of [['INBOX_SERVER', demoDomain], ['EMO_EMAILADDR', demoMailboxes.noreply]] as const) {
    if (values[name] === null || values[name]?.trim() === '') {
      await setParameter(ctx, SYSTEM_ACTOR, name, value);
      done.push(`${name}=${value}`);
    }
  }
  const frvs = await listFrvs(ctx);
  const wanted: [string, string, string][] = [
    ['EXCHANGE_INBOX', 'ASB', 'Anti-social behaviour reports'],
    ['EXCHANGE_INBOX', 'COMPLAINTS', 'Complaints'],
    ['EMAIL_ATT_FILETYPE', 'PDF', 'PDF documents'],
    ['EMAIL_ATT_FILETYPE', 'DOCX', 'Word documents'],
    ['EMAIL_ATT_FILETYPE', 'JPG', 'JPEG photos'],
    ['EMAIL_ATT_FILETYPE', 'PNG', 'PNG images'],
  ];
  for (const domain of ['EXCHANGE_INBOX', 'EMAIL_ATT_FILETYPE']) {
    // Only a domain nobody has touched gets the demo values.
    if (frvs.some((f) => f.domain === domain)) continue;
    for (const [d, code, description] of wanted.filter((w) => w[0] === domain)) {
      await addFrv(ctx, SYSTEM_ACTOR, { domain: d, code, description });
      done.push(`${d} ${code}`);
    }
  }
  return done;
}
