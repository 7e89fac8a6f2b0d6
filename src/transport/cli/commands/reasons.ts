import { addProductArea, listProductAreas } from '../../../app/appointments/product-areas.ts';
import { addReason, listReasons, outlookReasonProblems, updateReason } from '../../../app/appointments/reasons.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = [
  'housing365 reasons list [--json] | add CODE KIND DESCRIPTION [--areas PA1,PA2] | areas CODE PA1,PA2 | deactivate CODE | activate CODE',
  '                   product-areas [--json] | add-product-area CODE NAME | check',
  '  KIND: book, move or cancel. "check" reports APPT_OUTLOOK365_CANCEL_RSN / _MOVE_RSN problems.',
].join('\n');

const list = (v: string | undefined) => (v ? v.split(',').map((s) => s.trim()).filter(Boolean) : []);

export const reasonsCommand: Command = {
  name: 'reasons',
  summary: 'Appointment reasons and product areas (Estates › Appointments › Appointment Reasons)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, areas: { type: 'string' } }, usage);
    const [sub, a, b, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    const need = (ok: unknown, what: string) => {
      if (!ok) throw new UsageError(`reasons ${sub} needs ${what}\nusage: ${usage}`);
    };
    switch (sub) {
      case 'list': {
        const rows = await withContext((ctx) => listReasons(ctx));
        return printTable(rows.map((r) => ({ code: r.code, kind: r.kind, description: r.description, productAreas: r.productAreas.join(','), active: r.active ? 'Y' : 'N' })), Boolean(values.json));
      }
      case 'add': {
        need(a && b && rest.length, 'CODE KIND DESCRIPTION');
        const r = await withContext((ctx) => addReason(ctx, cliActor(), { code: a, kind: b as 'book', description: rest.join(' '), productAreas: list(values.areas) }));
        return void console.log(`added ${r.code} (${r.kind}) for ${r.productAreas.join(', ') || 'no product areas'}`);
      }
      case 'areas': {
        need(a && b !== undefined, 'CODE and a comma-separated list of product areas');
        const r = await withContext((ctx) => updateReason(ctx, cliActor(), a, { productAreas: list(b) }));
        return void console.log(`${r.code} applies to ${r.productAreas.join(', ') || 'no product areas'}`);
      }
      case 'activate':
      case 'deactivate': {
        need(a, 'CODE');
        const r = await withContext((ctx) => updateReason(ctx, cliActor(), a, { active: sub === 'activate' }));
        return void console.log(`${r.code} is now ${r.active ? 'active' : 'inactive'}`);
      }
      case 'product-areas': {
        const rows = await withContext((ctx) => listProductAreas(ctx));
        return printTable(rows.map((p) => ({ code: p.code, name: p.name, active: p.active ? 'Y' : 'N' })), Boolean(values.json));
      }
      case 'add-product-area': {
        need(a && b, 'CODE NAME');
        const p = await withContext((ctx) => addProductArea(ctx, cliActor(), { code: a, name: [b, ...rest].join(' ') }));
        return void console.log(`added product area ${p.code}: ${p.name}`);
      }
      case 'check': {
        const problems = await withContext((ctx) => outlookReasonProblems(ctx));
        for (const p of problems) console.log(`${p.parameter}: ${p.message}`);
        if (problems.length === 0) console.log('APPT_OUTLOOK365_CANCEL_RSN and APPT_OUTLOOK365_MOVE_RSN are fine');
        return problems.length ? 2 : 0;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
    }
  },
};
