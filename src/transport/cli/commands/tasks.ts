import { listEventQueries, runEventQuery } from '../../../app/tasks/event-queries.ts';
import { cliActor, parse, printTable, UsageError, withContext, type Command } from '../cli-kit.ts';

// Task Manager event queries from the shell (guide §2.2.4): see each query's last run, or run one now.

const usage = 'housing365 tasks queries [--json] | run-query ID';

export const tasksCommand: Command = {
  name: 'tasks',
  summary: 'Task Manager event queries: last runs, run one now',
  usage,
  async run(argv) {
    const { values, positionals } = parse(argv, { json: { type: 'boolean' } }, usage);
    const [sub, id, ...rest] = positionals;
    if (values.help || !sub) return void console.log(`usage: ${usage}`);
    if (sub === 'queries') {
      const list = await withContext(listEventQueries);
      printTable(
        list.map((q) => ({ id: q.id, name: q.name, every: `${q.everyMinutes} min`, enabled: q.enabled ? 'Y' : 'N', lastRun: q.lastRunAt, result: q.lastOk === null ? '' : q.lastOk ? `ok, ${q.lastEvents ?? 0} events` : `FAILED: ${q.lastError ?? ''}` })),
        Boolean(values.json),
      );
      return;
    }
    if (sub === 'run-query') {
      const n = Number(id);
      if (!Number.isInteger(n) || rest.length) throw new UsageError(`tasks run-query needs one ID\nusage: ${usage}`);
      const r = await withContext((ctx) => runEventQuery(ctx, n, cliActor()));
      if (!r.ok) {
        console.error(`housing365: the query failed and nothing was applied: ${r.error}`);
        return 1;
      }
      console.log(r.skipped ? 'The query is running elsewhere right now; try again in a moment' : `${r.rows} rows, ${r.events} events, ${r.tasks} tasks (${r.ms} ms)`);
      return;
    }
    throw new UsageError(`unknown subcommand "${sub}"\nusage: ${usage}`);
  },
};
