import type { Readable } from 'node:stream';
import type { DetectedContent } from '../../domain/frv/attachment-types.ts';

/**
 * Where attachment bytes live, addressed by their SHA-256. The filesystem store is the default; an
 * object store (S3, Azure Blob) implements the same interface. Content is streamed in and out:
 * a 150 MB attachment never sits whole in memory.
 */
export interface BlobStore {
  /**
   * Streams `source` to a staging area while hashing it, keeping the first `headBytes` for type checks.
   * Stops reading past `maxBytes` (the result is then `tooLarge`, with the bytes seen so far).
   * Nothing is visible until `commit()`; `discard()` drops the staged copy. With `detect`, the staged
   * file's type is decided from its content (it may read past the head: OOXML parts, OLE2 directory).
   */
  stage(source: Readable, opts: { maxBytes: number; headBytes?: number; detect?: boolean }): Promise<StagedBlob>;
  /** The blob's bytes, or bytes [start, end) of it (an upload session's range). */
  open(sha256: string, range?: { start: number; end: number }): Promise<Readable>;
  /** Reads up to `into.length` bytes from `position` into `into` (a buffer reused range after range); the count read. */
  readInto(sha256: string, position: number, into: Buffer): Promise<number>;
  has(sha256: string): Promise<boolean>;
  /**
   * Removes staging files older than `olderThanMs`: what a crash, a kill or a lost `discard()` left
   * behind. No staging lives longer than a sync run (bounded by its deadline), so an hour is safe.
   * Returns how many it removed.
   */
  sweepStaging(olderThanMs: number, now?: number): Promise<number>;
}

export interface StagedBlob {
  sha256: string;
  size: number;
  head: Buffer;
  tooLarge: boolean;
  /** With `detect`: what the whole staged content is (file-type + container checks), if anything known. */
  content?: DetectedContent;
  commit(): Promise<void>;
  discard(): Promise<void>;
}

export class BlobNotFound extends Error {}
