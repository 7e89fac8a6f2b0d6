import { getParameter, listParameters, setParameter } from '../../../app/parameters.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = 'housing365 params list [--json] | get NAME [--json] | set NAME VALUE   (VALUE "" clears it)';

export const paramsCommand: Command = {
  name: 'params',
  summary: 'List, show and set the Outlook 365 system parameters',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
    const [sub, name, value, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'list') {
      const list = await withContext(listParameters);
      printTable(
        list.map((p) => ({ name: p.definition.name, value: p.effective ?? '', required: p.definition.required ? 'Y' : 'N', datatype: p.definition.datatypeLabel, description: p.definition.description })),
        Boolean(values.json),
      );
      return;
    }
    if (sub === 'get') {
      if (!name) throw new UsageError(`params get needs a parameter NAME\nusage: ${usage}`);
      const p = await withContext((ctx) => getParameter(ctx, name));
      if (values.json) return void console.log(JSON.stringify(p, null, 2));
      const d = p.definition;
      console.log(`${d.name} = ${p.effective ?? '(not set)'}${p.value === null && p.effective !== null ? ' (default)' : ''}`);
      console.log(`  Description: ${d.description}\n  Required: ${d.required ? 'Y' : 'N'}\n  Datatype: ${d.datatypeLabel}\n  Default Value: ${d.defaultValue ?? ''}\n  Hint: ${d.hint}`);
      return;
    }
    if (sub === 'set') {
      if (!name || value === undefined || rest.length) throw new UsageError(`params set needs NAME and one VALUE (quote values with spaces)\nusage: ${usage}`);
      const p = await withContext((ctx) => setParameter(ctx, cliActor(), name, value === '' ? null : value));
      console.log(`${p.definition.name} = ${p.effective ?? '(not set)'}`);
      for (const w of p.warnings ?? []) console.log(`  note: ${w.message}`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
