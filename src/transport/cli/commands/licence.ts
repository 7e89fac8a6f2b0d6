import fs from 'node:fs/promises';
import { generateLicenceKeyPair, issueLicence, LICENCE_FEATURES } from '../../../domain/licence/licence.ts';
import { getLicenceState, installLicence } from '../../../app/licence.ts';
import { getIntegrationStatus } from '../../../app/integration.ts';
import { cliActor, parse, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = [
  'housing365 licence show [--json]',
  '         | install KEY',
  '         | issue --private-key FILE --customer NAME --expires YYYY-MM-DD [--features OUTLOOK365,TASK_MANAGER]',
  '         | keygen --out-private FILE   (prints the public key; vendor use)',
].join('\n');

export const licenceCommand: Command = {
  name: 'licence',
  summary: 'Show, install and (vendor) issue signed licence keys',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { json: { type: 'boolean' }, 'private-key': { type: 'string' }, customer: { type: 'string' }, expires: { type: 'string' }, features: { type: 'string' }, 'out-private': { type: 'string' } },
      usage,
    );
    const [sub, key] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'show') {
      const s = await withContext(async (ctx) => ({ licence: await getLicenceState(ctx), status: await getIntegrationStatus(ctx) }));
      if (values.json) return void console.log(JSON.stringify(s, null, 2));
      const l = s.licence;
      console.log(l.valid ? `Licence: valid for ${l.customer}, features ${l.features.join(', ')}, expires ${l.expiresAt?.toISOString().slice(0, 10)}` : `Licence: NOT valid — ${l.problem}`);
      for (const f of s.status.flows) console.log(`  ${f.label}: ${f.running ? 'runs' : `does not run — ${f.reasons.join('; ')}`}`);
      return;
    }
    if (sub === 'install') {
      if (!key) throw new UsageError(`licence install needs the KEY\nusage: ${usage}`);
      const l = await withContext((ctx) => installLicence(ctx, cliActor(), key));
      console.log(`licence installed: ${l.customer}, features ${l.features.join(', ')}, expires ${l.expiresAt?.toISOString().slice(0, 10)}`);
      return;
    }
    if (sub === 'issue') {
      const file = values['private-key'];
      if (!file || !values.customer || !values.expires) throw new UsageError(`licence issue needs --private-key, --customer and --expires\nusage: ${usage}`);
      const expiresAt = new Date(`${values.expires}T23:59:59Z`);
      if (Number.isNaN(expiresAt.getTime())) throw new UsageError(`--expires must be a date like 2027-03-31, not "${values.expires}"`);
      const features = (values.features ?? 'OUTLOOK365').split(',').map((f) => f.trim().toUpperCase()).filter(Boolean);
      const unknown = features.filter((f) => !LICENCE_FEATURES.includes(f as never));
      if (unknown.length) throw new UsageError(`--features: unknown feature ${unknown.join(', ')}; known: ${LICENCE_FEATURES.join(', ')}`);
      const pem = await fs.readFile(file, 'utf8').catch(() => {
        throw new UsageError(`--private-key: cannot read ${file}`);
      });
      console.log(issueLicence(pem, { customer: values.customer, features, expiresAt }));
      return;
    }
    if (sub === 'keygen') {
      const out = values['out-private'];
      if (!out) throw new UsageError(`licence keygen needs --out-private FILE\nusage: ${usage}`);
      const pair = generateLicenceKeyPair();
      await fs.writeFile(out, pair.privateKeyPem, { mode: 0o600, flag: 'wx' }).catch((err) => {
        throw new UsageError(`--out-private: cannot create ${out} (${(err as NodeJS.ErrnoException).code})`);
      });
      console.log(pair.publicKeyPem.trim());
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
