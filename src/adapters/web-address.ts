/**
 * Where this data directory's housing365 web server listens, for demo mode's change notifications
 * (issue 18 §4): the web process writes `<dataDir>/web-address.json` once it listens, and any process
 * on the same data directory (a `worker` beside `serve`, or `start` itself) reads it to subscribe the
 * emulator to `http://127.0.0.1:<port>/webhooks/graph`. A file left by a process that is gone is ignored.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

interface WebAddress {
  pid: number;
  url: string;
}

const file = (dataDir: string) => path.join(dataDir, 'web-address.json');

/** The loopback URL other local programs reach a server on, from the host it was told to listen on. */
export function loopbackUrl(host: string, port: number | string): string {
  const h = host.replace(/^\[|\]$/g, '');
  if (h === '::' || h === '::1' || h === '0:0:0:0:0:0:0:1') return `http://[::1]:${port}`;
  // 0.0.0.0, 127.0.0.1, localhost or a named address: the IPv4 loopback is always among them.
  return `http://127.0.0.1:${port}`;
}

export function saveWebAddress(dataDir: string, url: string): () => void {
  const f = file(dataDir);
  writeFileSync(f, JSON.stringify({ pid: process.pid, url } satisfies WebAddress), { mode: 0o600 });
  return () => {
    // Only our own: a newer web process may have written its address since.
    if (readRaw(f)?.pid === process.pid) rmSync(f, { force: true });
  };
}

function readRaw(f: string): WebAddress | undefined {
  try {
    const a = JSON.parse(readFileSync(f, 'utf8')) as Partial<WebAddress>;
    return Number.isInteger(a.pid) && typeof a.url === 'string' && /^http:\/\/(127\.0\.0\.1|\[::1\]):\d+$/.test(a.url) ? { pid: a.pid!, url: a.url } : undefined;
  } catch {
    return undefined;
  }
}

/** The live web server's loopback URL on this data directory, if one is listening. */
export function readWebAddress(dataDir: string): string | undefined {
  const a = readRaw(file(dataDir));
  if (!a) return undefined;
  if (a.pid !== process.pid) {
    try {
      process.kill(a.pid, 0); // throws when no such process
    } catch {
      return undefined;
    }
  }
  return a.url;
}
