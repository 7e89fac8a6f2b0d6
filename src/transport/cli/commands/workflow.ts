import { readFile, writeFile } from 'node:fs/promises';
import { generateWorkflow, listWorkflows, uploadWorkflow } from '../../../app/tasks/setup.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

// Workflow files (guide §2.2.5): generate one from the shipped template, and upload it to register
// the workflow category the Task Manager Summary groups by.

const usage =
  'housing365 workflow generate --code EMAILASB --name "Inbound Emails for ASB" [--out FILE]\n' +
  '       housing365 workflow upload FILE\n' +
  '       housing365 workflow list [--json]';

export const workflowCommand: Command = {
  name: 'workflow',
  summary: 'Generate and upload Task Manager workflow files (.wft, guide 2.2.5)',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { code: { type: 'string' }, name: { type: 'string' }, out: { type: 'string' }, json: { type: 'boolean' } }, usage);
    const [sub, file, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'generate') {
      if (!values.code || !values.name) throw new UsageError(`workflow generate needs --code and --name\nusage: ${usage}`);
      const g = await generateWorkflow(values.code, values.name);
      const out = values.out ?? g.fileName;
      await writeFile(out, g.text, { flag: values.out ? 'w' : 'wx' });
      console.log(`Wrote ${out}; upload it with: housing365 workflow upload ${out}`);
      return;
    }
    if (sub === 'upload') {
      if (!file || rest.length) throw new UsageError(`workflow upload needs one FILE\nusage: ${usage}`);
      const text = await readFile(file, 'utf8');
      const r = await withContext((ctx) => uploadWorkflow(ctx, cliActor(), text));
      console.log(`Workflow ${r.workflow.code} "${r.workflow.name}" ${r.how}`);
      return;
    }
    if (sub === 'list') {
      const list = await withContext(listWorkflows);
      printTable(list.map((w) => ({ code: w.code, name: w.name, pending: w.pendingName, complete: w.completeName, uploaded: w.uploadedAt, by: w.uploadedBy })), Boolean(values.json));
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
