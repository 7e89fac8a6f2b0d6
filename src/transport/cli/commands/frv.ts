import { addFrv, listFrvs, updateFrv } from '../../../app/frvs.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage =
  'housing365 frv list [DOMAIN] [--json] | add DOMAIN CODE DESCRIPTION | update DOMAIN CODE DESCRIPTION | remove DOMAIN CODE | activate DOMAIN CODE\n  domains: EXCHANGE_INBOX, EMAIL_ATT_FILETYPE';

export const frvCommand: Command = {
  name: 'frv',
  summary: 'First reference values: EXCHANGE_INBOX (inboxes to read) and EMAIL_ATT_FILETYPE (attachment types to keep)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
    const [sub, domain, code, ...desc] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    const need = (ok: unknown, what: string) => {
      if (!ok) throw new UsageError(`frv ${sub} needs ${what}\nusage: ${usage}`);
    };
    switch (sub) {
      case 'list': {
        const rows = await withContext((ctx) => listFrvs(ctx, domain));
        if (values.json) return void console.log(JSON.stringify(rows, null, 2));
        printTable(rows.map((r) => ({ domain: r.domain, code: r.code, description: r.description, active: r.active ? 'Y' : 'N' })), false);
        return;
      }
      case 'add': {
        need(domain && code && desc.length, 'DOMAIN CODE DESCRIPTION');
        const r = await withContext((ctx) => addFrv(ctx, cliActor(), { domain, code, description: desc.join(' ') }));
        console.log(`added ${r.domain} ${r.code}: ${r.description}`);
        return;
      }
      case 'update': {
        need(domain && code && desc.length, 'DOMAIN CODE DESCRIPTION');
        const r = await withContext((ctx) => updateFrv(ctx, cliActor(), domain, code, { description: desc.join(' ') }));
        console.log(`updated ${r.domain} ${r.code}: ${r.description}`);
        return;
      }
      case 'remove':
      case 'activate': {
        need(domain && code, 'DOMAIN CODE');
        const r = await withContext((ctx) => updateFrv(ctx, cliActor(), domain, code, { active: sub === 'activate' }));
        console.log(`${r.domain} ${r.code} is now ${r.active ? 'active' : 'inactive (deactivated, kept for history)'}`);
        return;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
    }
  },
};
