import { localSignInEnabled, setLocalSignIn } from '../../../app/auth.ts';
import { addGroupMapping, listGroupMappings, removeGroupMapping } from '../../../app/entra-signin.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = [
  'housing365 signin status',
  '        | local on|off                      (password sign-in; the way back in if Microsoft sign-in breaks)',
  '        | mappings [--json]                 (Entra groups → roles / teams)',
  '        | map GROUP_ID [--role admin|officer] [--team CODE]',
  '        | unmap MAPPING_ID',
].join('\n');

export const signinCommand: Command = {
  name: 'signin',
  summary: 'Staff sign-in: password sign-in on/off, Entra group → role/team mappings',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, role: { type: 'string' }, team: { type: 'string' } }, usage);
    const [sub, arg] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    switch (sub) {
      case 'status': {
        const on = await withContext(localSignInEnabled);
        console.log(`password sign-in: ${on ? 'on' : 'off'}`);
        return;
      }
      case 'local': {
        if (arg !== 'on' && arg !== 'off') throw new UsageError(`signin local takes on or off\nusage: ${usage}`);
        await withContext((ctx) => setLocalSignIn(ctx, cliActor(), arg === 'on'));
        console.log(`password sign-in is now ${arg}`);
        return;
      }
      case 'mappings': {
        const rows = await withContext(listGroupMappings);
        printTable(rows.map((m) => ({ id: m.id, group: m.groupId, role: m.role, team: m.teamCode })), Boolean(values.json));
        return;
      }
      case 'map': {
        if (!arg) throw new UsageError(`signin map needs the Entra GROUP_ID\nusage: ${usage}`);
        await withContext((ctx) => addGroupMapping(ctx, cliActor(), { groupId: arg, role: values.role, teamCode: values.team }));
        console.log(`group ${arg} mapped`);
        return;
      }
      case 'unmap': {
        if (!arg || !/^\d+$/.test(arg)) throw new UsageError(`signin unmap needs a numeric MAPPING_ID (see signin mappings)\nusage: ${usage}`);
        await withContext((ctx) => removeGroupMapping(ctx, cliActor(), Number(arg)));
        console.log(`mapping ${arg} removed`);
        return;
      }
      default:
        throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
    }
  },
};
