/**
 * `npm run bench`: the P suites one after another, each printing its figures and exiting non-zero when
 * it misses its bound or a correctness check (bench/README.md). `npm run soak` runs the R fault suites
 * at full size (SOAK=1: 5,000 emails for R1, 2,000 for R2/R3) through vitest.
 *
 *   npx tsx bench/run.ts [P1 P2 …]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';

const suites: Record<string, { file: string; args?: string[]; what: string; then?: string[] }> = {
  P1: { file: 'bench/p1-graph-requests.ts', what: 'Graph requests per ingested email and per idle poll of 50 inboxes vs a naive poller' },
  P2: { file: 'bench/inbound-email.ts', what: '10,000 emails → tasks against the raw INSERT rate' },
  P3: { file: 'bench/p3-notification-latency.ts', what: 'Outlook change → housing365 updated through change notifications: p50/p95' },
  P4: { file: 'bench/p4-workers.ts', then: ['bench/calendar-poll.ts'], what: 'one poll cycle over 1,000 calendars, 50 ms latency: 1 vs 2 worker processes through pg-boss, then the in-process cycles (full, delta, 100 moves, their echoes)' },
  P5: { file: 'bench/p5-large-attachment.ts', then: ['bench/p5-outbound-attachment.ts'], what: 'peak RSS of the inbox sync while ingesting a 150 MB attachment, then of the outbox sending a 100 MB one' },
  P6: { file: 'bench/calendar-push.ts', what: '1,000 booking changes pushed, 50 ms latency' },
  P7: { file: 'bench/inbound-task-list.ts', what: 'task list page with 100,000 tasks: server time' },
  P8: { file: 'bench/poll-cadence.ts', what: 'poll cadence: EMI_POLL = 1 runs of two inboxes under the real scheduler, every 60 s ± 10 s' },
};

const wanted = process.argv.slice(2).length ? process.argv.slice(2).map((s) => s.toUpperCase()) : Object.keys(suites);
console.log(`housing365 bench · ${new Date().toISOString()} · ${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'} · ${Math.round(os.totalmem() / 2 ** 30)} GiB · ${process.platform} ${process.arch} · Node ${process.version}`);
const failed: string[] = [];
for (const id of wanted) {
  const s = suites[id];
  if (!s) {
    console.error(`unknown suite ${id} (have ${Object.keys(suites).join(', ')})`);
    failed.push(id);
    continue;
  }
  console.log(`\n── ${id}: ${s.what} (${[s.file, ...(s.then ?? [])].join(', ')})`);
  for (const [i, file] of [s.file, ...(s.then ?? [])].entries()) {
    const r = spawnSync(process.execPath, ['--import', 'tsx', file, ...(i === 0 ? (s.args ?? []) : [])], { stdio: 'inherit' });
    if (r.status !== 0 && !failed.includes(id)) failed.push(id);
  }
}
console.log(failed.length ? `\nFAILED: ${failed.join(', ')}` : '\nall suites within their bounds');
process.exit(failed.length ? 1 : 0);
