import { spawn, type ChildProcess } from 'node:child_process';

/**
 * Starts the server as a user would (`command args` in the repository, on the embedded database in
 * `dataDir`, any port) and resolves `ready` with its base URL once it says "running at"; rejects when
 * it exits first. The child is pushed onto `children` so the test's afterAll can kill what is left.
 */
export function startServer(root: string, dataDir: string, children: ChildProcess[], command: string, args: string[]): { child: ChildProcess; output: () => string; ready: Promise<string> } {
  const env: NodeJS.ProcessEnv = { ...process.env, HOUSING365_DATA_DIR: dataDir, PORT: '0', HOUSING365_ADMIN_PASSWORD: 'smoke-test-password-1', LOG_LEVEL: 'warn' };
  delete env.DATABASE_URL;
  const child = spawn(command, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let out = '';
  const ready = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /running at (http:\/\/localhost:\d+)/.exec(out);
      if (m) resolve(m[1]);
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`exited ${code} before ready:\n${out}`)));
  });
  return { child, output: () => out, ready };
}
