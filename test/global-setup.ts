import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { openEmbedded, type EmbeddedInfo } from '../src/adapters/db/embedded.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

let embedded: EmbeddedInfo | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL;
  if (!url) {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'h365-test-pg-'));
    embedded = await openEmbedded(path.join(dir, 'var'), { own: true });
    // Tests make a database each (and its event-query role): they need the superuser.
    url = embedded.superuserUrl;
  }
  project.provide('databaseUrl', url);
}

export async function teardown(): Promise<void> {
  await embedded?.stop();
  if (embedded?.postgresFolder) await fs.rm(embedded.postgresFolder, { recursive: true, force: true });
  if (dir) await fs.rm(dir, { recursive: true, force: true });
}
