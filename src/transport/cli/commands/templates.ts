import { readFileSync } from 'node:fs';
import { deleteTemplate, getTemplate, listTemplates, MERGE_FIELDS, previewTemplate, saveTemplate } from '../../../app/email/templates.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

const usage = `housing365 templates list [--json] | show CODE [--json] | fields
       housing365 templates set CODE [--description TEXT] [--subject TEXT] [--html-file FILE] [--text-file FILE]   (creates, or changes what is given)
       housing365 templates preview CODE [--data JSON]
       housing365 templates delete CODE   (a shipped template is reset to its original text)`;

export const templatesCommand: Command = {
  name: 'templates',
  summary: 'Email templates (Liquid): list, show, create or change, preview, delete/reset',
  usage,
  async run(argv) {
    const { values, positionals } = parse(
      argv,
      { json: { type: 'boolean' }, description: { type: 'string' }, subject: { type: 'string' }, 'html-file': { type: 'string' }, 'text-file': { type: 'string' }, data: { type: 'string' } },
      usage,
    );
    const [sub, code] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    const needCode = () => {
      if (!code) throw new UsageError(`templates ${sub} needs a CODE\nusage: ${usage}`);
      return code;
    };
    switch (sub) {
      case 'list': {
        const list = await withContext(listTemplates);
        return void printTable(list.map((t) => ({ code: t.code, description: t.description, origin: t.shipped ? (t.customised ? 'shipped, changed' : 'shipped') : 'own' })), Boolean(values.json));
      }
      case 'fields':
        return void printTable(MERGE_FIELDS.map((f) => ({ field: `{{ ${f.path} }}`, description: f.description, example: f.sample })), Boolean(values.json));
      case 'show': {
        const t = await withContext((ctx) => getTemplate(ctx, needCode()));
        if (values.json) return void console.log(JSON.stringify(t, null, 2));
        return void console.log(`${t.code} – ${t.description}\nSubject: ${t.subject}\n\n--- HTML ---\n${t.html}\n\n--- Text ---\n${t.text}`);
      }
      case 'set': {
        const c = needCode();
        const t = await withContext(async (ctx) => {
          const existing = await getTemplate(ctx, c).catch(() => undefined);
          const input = {
            code: c,
            description: values.description ?? existing?.description ?? '',
            subject: values.subject ?? existing?.subject ?? '',
            html: values['html-file'] ? readFileSync(values['html-file'], 'utf8') : (existing?.html ?? ''),
            text: values['text-file'] ? readFileSync(values['text-file'], 'utf8') : (existing?.text ?? ''),
          };
          return saveTemplate(ctx, cliActor(), input);
        });
        return void console.log(`${t.code} saved`);
      }
      case 'preview': {
        let data: Record<string, unknown> | undefined;
        try {
          data = values.data ? JSON.parse(values.data) : undefined;
        } catch (e) {
          throw new UsageError(`--data must be JSON: ${(e as Error).message}`);
        }
        const r = await withContext((ctx) => previewTemplate(ctx, needCode(), data));
        if (values.json) return void console.log(JSON.stringify(r, null, 2));
        return void console.log(`Subject: ${r.subject}\n\n${r.text || r.html}`);
      }
      case 'delete': {
        const r = await withContext((ctx) => deleteTemplate(ctx, cliActor(), needCode()));
        return void console.log(r.reset ? `${code!.toUpperCase()} reset to the shipped text` : `${code!.toUpperCase()} deleted`);
      }
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
