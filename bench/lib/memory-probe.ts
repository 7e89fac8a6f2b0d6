/**
 * What the P5 benches share: the attachment they move (a PDF of incompressible filler), the measured
 * child process (spawned with `--child`, answering one `P5RESULT {json}` line), and the memory probe
 * that child runs its work under — a warmed-up baseline RSS, the kernel's high-water mark reset
 * (`clear_refs` 5), RSS sampled every 5 ms, VmHWM read at the end — and the table and checks printed.
 */
import { spawn } from 'node:child_process';
import { createCipheriv } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';

export const MiB = 1024 * 1024;

/** VmHWM / VmRSS from /proc/self/status, in bytes. */
export function procStatus(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

/** The attachment: a PDF header, deterministic incompressible filler (AES-128-CTR of zeros keyed by `key`), `%%EOF`. */
export function* pdfPieces(size: number, key: number): Generator<Buffer> {
  const head = Buffer.from('%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\nstream\n', 'latin1');
  const tail = Buffer.from('\nendstream\n%%EOF\n', 'latin1');
  const cipher = createCipheriv('aes-128-ctr', Buffer.alloc(16, key), Buffer.alloc(16, 0));
  yield head;
  let left = size - head.length - tail.length;
  const zeros = Buffer.alloc(MiB);
  while (left > 0) {
    const n = Math.min(MiB, left);
    yield cipher.update(n === MiB ? zeros : zeros.subarray(0, n));
    left -= n;
  }
  yield tail;
}

export interface MemoryPeak {
  baselineRss: number;
  peakRssSampled: number;
  samples: number;
  vmHwmAtStart: number;
  vmHwm: number;
  peakResetOk: boolean;
  peakExternal: number;
  peakHeapUsed: number;
  seconds: number;
}

/** Runs `work` (after the caller has warmed up everything it touches) under the memory probe. */
export async function measurePeak<T>(work: () => Promise<T>): Promise<{ peak: MemoryPeak; value: T }> {
  await new Promise((r) => setTimeout(r, 200));
  const rssNow: number[] = [];
  for (let i = 0; i < 5; i++) {
    rssNow.push(process.memoryUsage().rss);
    await new Promise((r) => setTimeout(r, 20));
  }
  const baselineRss = rssNow.sort((a, b) => a - b)[2];
  // Reset the kernel's high-water mark so VmHWM is the peak of the work alone (Linux ≥ 4.0).
  let peakResetOk = true;
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    peakResetOk = false;
  }
  const vmHwmAtStart = procStatus('VmHWM');
  let peakRssSampled = 0;
  let peakExternal = 0;
  let peakHeapUsed = 0;
  let samples = 0;
  const sample = () => {
    const m = process.memoryUsage();
    samples++;
    if (m.rss > peakRssSampled) peakRssSampled = m.rss;
    if (m.external > peakExternal) peakExternal = m.external;
    if (m.heapUsed > peakHeapUsed) peakHeapUsed = m.heapUsed;
  };
  const timer = setInterval(sample, 5);
  const t0 = performance.now();
  try {
    const value = await work();
    const seconds = (performance.now() - t0) / 1000;
    sample();
    return { value, peak: { baselineRss, peakRssSampled, samples, vmHwmAtStart, vmHwm: procStatus('VmHWM'), peakResetOk, peakExternal, peakHeapUsed, seconds } };
  } finally {
    clearInterval(timer);
  }
}

/** In the child: hands the result to the parent. */
export function answerParent(result: unknown): void {
  process.stdout.write(`P5RESULT ${JSON.stringify(result)}\n`);
}

/** In the parent: runs this bench file again as the measured child with `input`, and returns its result. */
export async function runMeasuredChild<R>(self: string, input: unknown): Promise<R> {
  const proc = spawn(process.execPath, ['--import', 'tsx', self, '--child'], { env: { ...process.env, P5_CHILD: JSON.stringify(input) }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  proc.stdout.on('data', (c) => (out += c));
  const code = await new Promise<number>((resolve) => proc.on('exit', (c) => resolve(c ?? 1)));
  const line = out.split('\n').find((l) => l.startsWith('P5RESULT '));
  if (code !== 0 || !line) throw new Error(`the child failed (exit ${code}): ${out.slice(-2000)}`);
  return JSON.parse(line.slice('P5RESULT '.length)) as R;
}

export const mb = (n: number) => (n / MiB).toFixed(1);

/** The peak above the warmed-up baseline: the larger of the sampled RSS and VmHWM. */
export const peakAboveBaseline = (r: MemoryPeak) => Math.max(r.vmHwm, r.peakRssSampled) - r.baselineRss;

/** Prints the memory table; `what` names the measured work ("sync", "send"). */
export function printPeakTable(r: MemoryPeak, what: string): void {
  console.log('| measure (child process) | MiB |');
  console.log('|---|---:|');
  console.log(`| baseline RSS before the ${what} (warmed up) | ${mb(r.baselineRss)} |`);
  console.log(`| peak RSS sampled every 5 ms (${r.samples} samples) | ${mb(r.peakRssSampled)} |`);
  console.log(`| VmHWM at the end${r.peakResetOk ? ` (reset before the ${what})` : ' (could not reset: whole-life peak)'} | ${mb(r.vmHwm)} |`);
  console.log(`| **peak above baseline** (max of the two) | **${mb(peakAboveBaseline(r))}** |`);
  console.log(`| peak V8 heap used / external memory | ${mb(r.peakHeapUsed)} / ${mb(r.peakExternal)} |`);
}

/** Prints each check and the verdict line; returns the exit code. */
export function reportChecks(label: string, checks: Array<[string, boolean]>): number {
  for (const [what, ok] of checks) console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  const pass = checks.every(([, ok]) => ok);
  console.log(`${label} ${pass ? 'PASS' : 'FAIL'}`);
  return pass ? 0 : 1;
}
