/**
 * Large attachment content on disk: bytes that arrive through upload sessions or the admin API's
 * streamed upload are written to `<stateDir>/attachments/<sha256>` (a temporary directory when the
 * emulator has no state dir) and the attachment keeps only `contentFile`. `$value` streams the file,
 * so a 150 MB attachment never sits in the emulator's memory — unless a client asks for it as
 * base64 `contentBytes` in JSON, which Graph allows and which costs what it costs there too. Such
 * reads are counted per attachment (`GET /_emulator/attachments`), so tests can prove a client
 * streams instead.
 */
import { createHash, randomBytes, type Hash } from 'node:crypto';
import { appendFileSync, createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AttachmentContentReader, AttachmentState } from '../contracts.ts';

export interface StoredContent {
  /** The file name under the content directory: the SHA-256 of the bytes, hex. */
  file: string;
  size: number;
  sha256: string;
}

export interface ContentServed {
  /** Bytes rendered as base64 `contentBytes` in JSON responses. */
  asContentBytes: number;
  /** Bytes streamed by `GET …/attachments/{id}/$value`. */
  asValue: number;
}

export class ContentTooLarge extends Error {}

export class AttachmentContent implements AttachmentContentReader {
  /** attachment id → how its bytes were served. */
  readonly served = new Map<string, ContentServed>();

  constructor(readonly dir: string) {}

  private tmpPath(): string {
    mkdirSync(join(this.dir, 'tmp'), { recursive: true });
    return join(this.dir, 'tmp', `${Date.now()}-${randomBytes(6).toString('hex')}`);
  }

  private settle(tmp: string, hash: Hash, size: number): StoredContent {
    const sha256 = hash.digest('hex');
    const dest = join(this.dir, sha256);
    // Content-addressed: the same bytes stored twice are one file.
    if (existsSync(dest)) rmSync(tmp, { force: true });
    else renameSync(tmp, dest);
    return { file: sha256, size, sha256 };
  }

  /** Streams `source` to disk (at most `maxBytes`, else ContentTooLarge) while hashing it. */
  async write(source: Readable, maxBytes: number): Promise<StoredContent> {
    const tmp = this.tmpPath();
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) return cb(new ContentTooLarge(`the content is larger than ${maxBytes} bytes`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(tmp));
    } catch (e) {
      rmSync(tmp, { force: true });
      throw e;
    }
    return this.settle(tmp, hash, size);
  }

  /** An upload in pieces (upload-session PUTs, ≤ 4 MB each): appended to a staging file as they come. */
  begin(): { append(chunk: Buffer): void; finish(): StoredContent; abort(): void } {
    const tmp = this.tmpPath();
    const hash = createHash('sha256');
    let size = 0;
    appendFileSync(tmp, Buffer.alloc(0));
    return {
      append: (chunk) => {
        appendFileSync(tmp, chunk);
        hash.update(chunk);
        size += chunk.length;
      },
      finish: () => this.settle(tmp, hash, size),
      abort: () => rmSync(tmp, { force: true }),
    };
  }

  path(a: AttachmentState): string {
    return join(this.dir, a.contentFile!);
  }

  size(a: AttachmentState): number {
    return statSync(this.path(a)).size;
  }

  /** The file's bytes as a stream (`$value`), counted. */
  open(a: AttachmentState): Readable {
    this.count(a.id).asValue += a.size;
    return createReadStream(this.path(a), { highWaterMark: 256 * 1024 });
  }

  /** Base64 of a file attachment, for `contentBytes` and MIME: read whole, and counted when from disk. */
  base64(a: AttachmentState): string {
    if (!a.contentFile) return a.contentBytes ?? '';
    this.count(a.id).asContentBytes += a.size;
    return readFileSync(this.path(a)).toString('base64');
  }

  /** The bytes, for `$value` of small inline-stored content. */
  bytes(a: AttachmentState): Buffer {
    return a.contentFile ? readFileSync(this.path(a)) : Buffer.from(a.contentBytes ?? '', 'base64');
  }

  private count(id: string): ContentServed {
    let c = this.served.get(id);
    if (!c) this.served.set(id, (c = { asContentBytes: 0, asValue: 0 }));
    return c;
  }
}
