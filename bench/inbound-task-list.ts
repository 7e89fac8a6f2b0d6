/**
 * P7 — the Task List page at 100,000 tasks: the server time of `GET /tasks/list` (the real route:
 * session, query, capped count, rendering) for the first page, a page deep into the list (keyset
 * cursor) and a filtered page, for an officer (team member), an administrator and a member of a
 * restricted group. Each request goes through the server in-process (fastify inject: no network), so
 * its time is the server's; 40 timed requests per cell after a warm-up, p50 and p95.
 *
 *   npx tsx bench/inbound-task-list.ts [--tasks 100000] [--runs 40]
 *
 * Bound (bench/README.md, P7): p95 ≤ 100 ms in every cell, and every page 200 with 50 rows.
 * Exits non-zero otherwise.
 *
 * PostgreSQL: DATABASE_URL when set, else an embedded server in a temporary directory.
 */
import { sql } from 'kysely';
import type { Principal } from '../src/app/context.ts';
import { openBenchWorld } from './lib/world.ts';
import { addTeamMember, createTeam, createUser } from '../src/app/users.ts';
import { createJobGroup, createJobType } from '../src/app/tasks/setup.ts';
import { listTasks } from '../src/app/tasks/tasks.ts';
import { createSession } from '../src/app/auth.ts';
import { buildServer } from '../src/transport/http/server.ts';
import { SESSION_COOKIE } from '../src/transport/http/auth.ts';

const BOUND_P95_MS = 100;

const i = process.argv.indexOf('--tasks');
const total = i > 0 ? Number(process.argv[i + 1]) : 100_000;
const ri = process.argv.indexOf('--runs');
const runs = ri > 0 ? Number(process.argv[ri + 1]) : 40;
const w = await openBenchWorld('task-list', { poolSize: 4 });
const { ctx, db, actor } = w;
const person = async (username: string, role: 'admin' | 'officer'): Promise<Principal> => {
  const { user } = await createUser(ctx, actor, { username, displayName: username, role, password: 'bench password 123' });
  return { kind: 'user', id: user.id, username, displayName: username, role };
};
const officer = await person('officer', 'officer');
const asbOfficer = await person('asb', 'officer');
const boss = await person('boss', 'admin');
const teams = [];
for (let t = 0; t < 10; t++) teams.push((await createTeam(ctx, actor, { code: `TEAM${t}`, name: `Team ${t}` })).id);
await addTeamMember(ctx, actor, teams[0], officer.id);
await addTeamMember(ctx, actor, teams[9], asbOfficer.id);
const group = await createJobGroup(ctx, actor, { code: 'ASB', name: 'ASB', restricted: true, teamIds: [teams[9]] });
const types = [];
for (let t = 0; t < 10; t++) types.push((await createJobType(ctx, actor, { code: `T${t}`, name: `Type ${t}`, defaultTeamId: teams[t], jobGroupId: t === 9 ? group.id : null })).id);

const t0 = performance.now();
await sql`
  INSERT INTO tm_tasks (job_type_id, title, status, team_id, inbox, created_at, updated_at)
  SELECT (${sql.raw(`ARRAY[${types.join(',')}]`)})[1 + g % 10], 'Task ' || g, (ARRAY['open','pending','complete'])[1 + (g / 7) % 3],
         (${sql.raw(`ARRAY[${teams.join(',')}]`)})[1 + g % 10], 'INBOX' || (g % 10), now() - (g || ' seconds')::interval, now()
    FROM generate_series(1, ${total}) g`.execute(db);
await sql`ANALYZE tm_tasks`.execute(db);
const loadSeconds = (performance.now() - t0) / 1000;

const app = await buildServer(ctx);
await app.ready();
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)];
const failures: string[] = [];
/** Times `runs` requests of one page (after two warm-ups); checks each is a 200 with 50 task rows. */
const page = async (label: string, token: string, query: Record<string, string>) => {
  const url = `/tasks/list?${new URLSearchParams(query)}`;
  const ms: number[] = [];
  for (let r = -2; r < runs; r++) {
    const t = performance.now();
    const res = await app.inject({ method: 'GET', url, cookies: { [SESSION_COOKIE]: token } });
    const took = performance.now() - t;
    const rows = (res.body.match(/name="taskIds"/g) ?? []).length; // one select box per task row
    if (res.statusCode !== 200 || rows !== 50) {
      failures.push(`${label}: HTTP ${res.statusCode}, ${rows} rows`);
      break;
    }
    if (r >= 0) ms.push(took);
  }
  return ms.length ? { p50: pct(ms, 50), p95: pct(ms, 95) } : { p50: NaN, p95: NaN };
};
const rows: string[] = [];
let worst = 0;
// Each viewer's filter names an inbox whose tasks it can see (team n holds the tasks of INBOXn).
for (const [who, p, inbox] of [['officer (1 team)', officer, 'INBOX0'], ['admin', boss, 'INBOX3'], ['restricted-group member', asbOfficer, 'INBOX9']] as const) {
  const first = await listTasks(ctx, p, { limit: 50 });
  // A cursor about 90% of the way down the list.
  let cursor = first.next;
  const deep = await sql<{ created_at: Date; id: number }>`SELECT created_at, id FROM tm_tasks ORDER BY created_at DESC, id DESC OFFSET ${Math.floor(total * 0.9)} LIMIT 1`.execute(db);
  if (deep.rows[0]) cursor = Buffer.from(`${deep.rows[0].created_at.toISOString()}|${deep.rows[0].id}`).toString('base64url');
  const { sessionToken } = await createSession(ctx, p.id);
  const cells = [
    await page(`${who} first page`, sessionToken, {}),
    await page(`${who} page at 90%`, sessionToken, cursor ? { cursor } : {}),
    await page(`${who} status+inbox filter`, sessionToken, { status: 'pending', inbox }),
  ];
  for (const c of cells) worst = Math.max(worst, c.p95);
  rows.push(`| ${who} | ${first.total}${first.totalCapped ? '+' : ''} | ${cells.map((c) => `${c.p50.toFixed(1)} / ${c.p95.toFixed(1)}`).join(' | ')} |`);
}
await app.close();
console.log(`\nP7 · ${total} tasks (loaded in ${loadSeconds.toFixed(1)} s), 10 teams, one restricted job group; ${process.platform} ${process.arch}, Node ${process.version}; GET /tasks/list in-process, ${runs} requests per cell after 2 warm-ups\n`);
console.log('| viewer | tasks visible (count capped at 1,000) | first page ms p50 / p95 | page at 90% ms p50 / p95 | status+inbox filter ms p50 / p95 |');
console.log('|---|---:|---:|---:|---:|');
for (const r of rows) console.log(r);
const ok = failures.length === 0 && worst <= BOUND_P95_MS;
for (const f of failures) console.log(`FAIL ${f}`);
console.log(`${ok ? 'P7 PASS' : 'P7 FAIL'}: worst p95 ${worst.toFixed(1)} ms (bound ≤ ${BOUND_P95_MS} ms)${failures.length ? `; ${failures.length} page(s) wrong` : ''}`);

await w.close();
process.exit(ok ? 0 : 1);
