import { createApiToken, listApiTokens, revokeApiToken } from '../../../app/auth.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = 'housing365 tokens create --name NAME --role admin|officer | list [--json] | revoke ID';

export const tokensCommand: Command = {
  name: 'tokens',
  summary: 'API bearer tokens for /api/v1 (stored hashed; shown once)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' }, name: { type: 'string' }, role: { type: 'string' } }, usage);
    const [sub, id] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'create') {
      if (!values.name || !values.role) throw new UsageError(`tokens create needs --name and --role\nusage: ${usage}`);
      const t = await withContext((ctx) => createApiToken(ctx, cliActor(), { name: values.name!, role: values.role as 'admin' }));
      console.log(t.token);
      console.error(`token ${t.id} created; it is shown only now — keep it somewhere safe`);
      return;
    }
    if (sub === 'list') {
      const rows = await withContext(listApiTokens);
      printTable(rows.map((r) => ({ id: r.id, name: r.name, role: r.role, created: r.created_at, lastUsed: r.last_used_at, revoked: r.revoked_at })), Boolean(values.json));
      return;
    }
    if (sub === 'revoke') {
      if (!id || !/^\d+$/.test(id)) throw new UsageError(`tokens revoke needs a numeric ID\nusage: ${usage}`);
      await withContext((ctx) => revokeApiToken(ctx, cliActor(), Number(id)));
      console.log(`token ${id} revoked`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
