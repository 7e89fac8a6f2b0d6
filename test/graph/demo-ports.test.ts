// Issue 14 §1: the demo emulator keeps the ports it took on the first start (saved in the data
// directory), and when one is taken by another program it starts on free ones for that start,
// says so, and keeps the saved ones for the next.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { connectGraph } from '../../src/adapters/graph/connect.ts';
import { parseConfig } from '../../src/config.ts';
import { createLogger } from '../../src/logger.ts';

const dataDir = await mkdtemp(path.join(tmpdir(), 'h365-demo-ports-'));
const config = { ...parseConfig({ HOUSING365_DATA_DIR: dataDir }), dataDir };
const lines: string[] = [];
const logger = createLogger({ level: 'info', pretty: false, destination: new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) }) as never });
afterAll(() => rm(dataDir, { recursive: true, force: true }));

const portOf = (url: string) => Number(new URL(url).port);
const saved = async () => JSON.parse(await readFile(path.join(dataDir, 'emulator', 'ports.json'), 'utf8')) as { graph: number; smtp: number };

describe('the demo emulator ports', () => {
  it('are chosen on the first start, kept after, and given up for one start only when taken', async () => {
    expect(config.demoMode).toBe(true);
    const first = await connectGraph(config, logger);
    const ports = { graph: portOf(first.integration.graphBaseUrl), smtp: first.integration.smtp!.port };
    await first.stop();
    expect(await saved()).toEqual(ports);

    const again = await connectGraph(config, logger);
    expect({ graph: portOf(again.integration.graphBaseUrl), smtp: again.integration.smtp!.port }).toEqual(ports);
    await again.stop();

    // Another program holds the Graph port now.
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(ports.graph, '127.0.0.1', resolve));
    try {
      const moved = await connectGraph(config, logger);
      expect(portOf(moved.integration.graphBaseUrl)).not.toBe(ports.graph);
      await moved.stop();
      expect(lines.join('')).toContain(`saved port ${ports.graph} is in use by another program`);
    } finally {
      await new Promise<void>((resolve) => squatter.close(() => resolve()));
    }
    expect(await saved()).toEqual(ports);

    const back = await connectGraph(config, logger);
    expect(portOf(back.integration.graphBaseUrl)).toBe(ports.graph);
    await back.stop();
  }, 120_000);
});
