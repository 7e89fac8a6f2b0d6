// What a file really is, from its bytes (issue 14 §9, DESIGN "Content decides a file's type"):
// file-type (it reads the ZIP's [Content_Types].xml, so it tells a Word document from any ZIP), and
// for OLE2 compound files — which file-type reports only as "cfb" — the names of the root storage's
// streams: WordDocument (Word 97-2003), Workbook/Book (Excel), PowerPoint Document (PowerPoint),
// __properties_version1.0 / __substg1.0_* (an Outlook .msg). [MS-CFB] §2.2, §2.6.
import { open, type FileHandle } from 'node:fs/promises';
import { fileTypeFromFile } from 'file-type';
import type { DetectedContent } from '../../domain/frv/attachment-types.ts';

export async function detectFileContent(file: string): Promise<DetectedContent | undefined> {
  let found: { ext: string; mime: string } | undefined;
  try {
    found = await fileTypeFromFile(file);
  } catch {
    return undefined; // a container too broken to read is no type at all
  }
  if (!found) return undefined;
  if (found.ext !== 'cfb') return { ext: found.ext, mime: found.mime };
  const names = await oleRootStreamNames(file).catch(() => [] as string[]);
  const ole = oleFormat(names);
  return ole ?? { ext: 'cfb', mime: found.mime };
}

const OLE_FORMATS: Array<{ ext: string; mime: string; test: (names: Set<string>) => boolean }> = [
  { ext: 'msg', mime: 'application/vnd.ms-outlook', test: (n) => n.has('__properties_version1.0') || [...n].some((x) => x.startsWith('__substg1.0_')) },
  { ext: 'doc', mime: 'application/msword', test: (n) => n.has('WordDocument') },
  { ext: 'ppt', mime: 'application/vnd.ms-powerpoint', test: (n) => n.has('PowerPoint Document') },
  { ext: 'xls', mime: 'application/vnd.ms-excel', test: (n) => n.has('Workbook') || n.has('Book') },
];

export function oleFormat(rootNames: readonly string[]): DetectedContent | undefined {
  const names = new Set(rootNames);
  const f = OLE_FORMATS.find((x) => x.test(names));
  return f ? { ext: f.ext, mime: f.mime } : undefined;
}

const FREESECT = 0xffffffff;
const ENDOFCHAIN = 0xfffffffe;
/** A hostile file may chain sectors in a loop or claim millions of them: stop well before that. */
const MAX_SECTORS = 4096;

/** Names of the streams and storages directly under the root storage of an OLE2 compound file. */
export async function oleRootStreamNames(file: string): Promise<string[]> {
  const fh = await open(file, 'r');
  try {
    const header = await readAt(fh, 0, 512);
    if (header.length < 512 || header.readUInt32LE(0) !== 0xe011cfd0 || header.readUInt32LE(4) !== 0xe11ab1a1) return [];
    const shift = header.readUInt16LE(30);
    if (shift !== 9 && shift !== 12) return [];
    const size = 1 << shift;
    const sectorAt = (id: number) => (id + 1) * size;
    // The FAT's own sectors: 109 in the header, the rest in the DIFAT chain.
    const fatSectors: number[] = [];
    for (let i = 0; i < 109; i++) fatSectors.push(header.readUInt32LE(76 + i * 4));
    let difat = header.readUInt32LE(68);
    for (let n = 0; difat !== ENDOFCHAIN && difat !== FREESECT && n < MAX_SECTORS; n++) {
      const s = await readAt(fh, sectorAt(difat), size);
      if (s.length < size) break;
      for (let i = 0; i < size / 4 - 1; i++) fatSectors.push(s.readUInt32LE(i * 4));
      difat = s.readUInt32LE(size - 4);
    }
    const perFat = size / 4;
    const fatCache = new Map<number, Buffer>();
    const next = async (id: number): Promise<number> => {
      const which = Math.floor(id / perFat);
      const fs = fatSectors[which];
      if (fs === undefined || fs >= 0xfffffffa) return ENDOFCHAIN;
      let buf = fatCache.get(fs);
      if (!buf) fatCache.set(fs, (buf = await readAt(fh, sectorAt(fs), size)));
      return buf.length >= ((id % perFat) + 1) * 4 ? buf.readUInt32LE((id % perFat) * 4) : ENDOFCHAIN;
    };
    // The directory stream, sector by sector.
    const dir: Buffer[] = [];
    const seen = new Set<number>();
    for (let id = header.readUInt32LE(48); id < 0xfffffffa && !seen.has(id) && seen.size < MAX_SECTORS; id = await next(id)) {
      seen.add(id);
      dir.push(await readAt(fh, sectorAt(id), size));
    }
    const entries = Buffer.concat(dir);
    const count = Math.floor(entries.length / 128);
    const entry = (i: number) => {
      const o = i * 128;
      const len = Math.min(entries.readUInt16LE(o + 64), 64);
      return {
        name: entries.subarray(o, o + Math.max(0, len - 2)).toString('utf16le'),
        left: entries.readUInt32LE(o + 68),
        right: entries.readUInt32LE(o + 72),
        child: entries.readUInt32LE(o + 76),
      };
    };
    if (count === 0) return [];
    // The root's children are a (red-black) tree through left/right siblings.
    const names: string[] = [];
    const stack = [entry(0).child];
    const visited = new Set<number>();
    while (stack.length && names.length < 10_000) {
      const id = stack.pop()!;
      if (id >= count || visited.has(id)) continue;
      visited.add(id);
      const e = entry(id);
      names.push(e.name);
      stack.push(e.left, e.right);
    }
    return names;
  } finally {
    await fh.close();
  }
}

async function readAt(fh: FileHandle, position: number, length: number): Promise<Buffer> {
  const buf = Buffer.alloc(length);
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
