import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { BlobNotFound, type BlobStore, type StagedBlob } from './blob-store.ts';
import { detectFileContent } from './content-type.ts';

/** Blobs under <dataDir>/blobs/ab/cd/<sha256>; staging files under <dataDir>/blobs/tmp. Same filesystem, so commit is a rename. */
export function createFsBlobStore(root: string): BlobStore {
  const tmpDir = path.join(root, 'tmp');
  const finalPath = (sha: string) => path.join(root, sha.slice(0, 2), sha.slice(2, 4), sha);
  const valid = (sha: string) => /^[0-9a-f]{64}$/.test(sha);

  return {
    async stage(source, opts): Promise<StagedBlob> {
      await mkdir(tmpDir, { recursive: true });
      const tmp = path.join(tmpDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
      const hash = createHash('sha256');
      const headBytes = opts.headBytes ?? 4096;
      const headParts: Buffer[] = [];
      let headLen = 0;
      let size = 0;
      let tooLarge = false;
      const meter = new Transform({
        transform(chunk: Buffer, _enc, cb) {
          size += chunk.length;
          if (size > opts.maxBytes) {
            tooLarge = true;
            // Stop here: the rest is never read. pipeline() then tears the source down.
            return cb(new TooLarge());
          }
          if (headLen < headBytes) {
            const part = chunk.subarray(0, headBytes - headLen);
            headParts.push(Buffer.from(part));
            headLen += part.length;
          }
          hash.update(chunk);
          cb(null, chunk);
        },
      });
      try {
        await pipeline(source, meter, createWriteStream(tmp, { flags: 'wx' }));
      } catch (err) {
        if (!(err instanceof TooLarge)) {
          await rm(tmp, { force: true });
          throw err;
        }
        await rm(tmp, { force: true });
      }
      const sha256 = hash.digest('hex');
      const head = Buffer.concat(headParts);
      const content = opts.detect && !tooLarge ? await detectFileContent(tmp) : undefined;
      let done = false;
      return {
        sha256,
        size,
        head,
        tooLarge,
        content,
        async commit() {
          if (tooLarge) throw new Error('a blob over its size limit cannot be committed');
          if (done) return;
          done = true;
          const dest = finalPath(sha256);
          await mkdir(path.dirname(dest), { recursive: true });
          // Same content, same name: an existing blob is already right.
          await rename(tmp, dest);
        },
        async discard() {
          done = true;
          await rm(tmp, { force: true });
        },
      };
    },

    async open(sha256: string, range?: { start: number; end: number }): Promise<Readable> {
      if (!valid(sha256)) throw new BlobNotFound(sha256);
      const p = finalPath(sha256);
      try {
        await access(p);
      } catch {
        throw new BlobNotFound(sha256);
      }
      // createReadStream's `end` is inclusive
      return range ? createReadStream(p, { start: range.start, end: Math.max(range.start, range.end) - 1 }) : createReadStream(p);
    },

    async sweepStaging(olderThanMs: number, now = Date.now()): Promise<number> {
      const names = await readdir(tmpDir).catch(() => [] as string[]);
      let removed = 0;
      for (const name of names) {
        const p = path.join(tmpDir, name);
        const st = await stat(p).catch(() => undefined);
        if (!st || now - st.mtimeMs < olderThanMs) continue;
        await rm(p, { force: true });
        removed++;
      }
      return removed;
    },

    async readInto(sha256: string, position: number, into: Buffer): Promise<number> {
      if (!valid(sha256)) throw new BlobNotFound(sha256);
      let fh: import("node:fs/promises").FileHandle;
      try {
        fh = await open(finalPath(sha256), 'r');
      } catch {
        throw new BlobNotFound(sha256);
      }
      try {
        let done = 0;
        while (done < into.length) {
          const { bytesRead } = await fh.read(into, done, into.length - done, position + done);
          if (bytesRead === 0) break;
          done += bytesRead;
        }
        return done;
      } finally {
        await fh.close();
      }
    },

    async has(sha256: string): Promise<boolean> {
      if (!valid(sha256)) return false;
      return access(finalPath(sha256)).then(() => true, () => false);
    },
  };
}

class TooLarge extends Error {}
