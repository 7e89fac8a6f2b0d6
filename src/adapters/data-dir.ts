import fs from 'node:fs/promises';
import path from 'node:path';

// Everything under the data directory — attachment blobs, the emulator's state (demo mail, the demo
// client secret), the demo licence key, pg.json — is for housing365's own OS user alone (issue 13 §3).
// New files are made so by the process umask (set in transport/cli/main.ts); this brings files left by
// earlier versions (0644 in 0755 folders) into line at start. Nothing outside the data directory is
// touched. The cluster folder pg/ is PostgreSQL's own: it keeps it 0700/0600 itself.

export const PRIVATE_UMASK = 0o077;

export async function secureDataDir(dataDir: string): Promise<{ changed: number }> {
  await fs.mkdir(dataDir, { recursive: true, mode: 0o700 });
  let changed = 0;
  const tighten = async (p: string, want: number) => {
    try {
      const st = await fs.lstat(p);
      if (st.isSymbolicLink() || (st.mode & 0o077) === 0) return;
      await fs.chmod(p, st.mode & want);
      changed++;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  };
  const walk = async (dir: string, top: boolean): Promise<void> => {
    await tighten(dir, 0o700);
    let entries;
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!(top && e.name === 'pg')) await walk(p, false);
      } else if (e.isFile()) {
        await tighten(p, 0o600);
      }
    }
  };
  await walk(dataDir, true);
  return { changed };
}
