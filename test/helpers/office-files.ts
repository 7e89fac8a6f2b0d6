// Minimal but well-formed containers for content-type tests: a ZIP (stored entries) and an OLE2
// compound file (one FAT sector, one directory sector) with the stream names a format needs.
import { crc32 } from 'node:zlib';

/** A ZIP archive of stored (uncompressed) entries, in order. */
export function zip(entries: Array<[name: string, content: string | Buffer]>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, c] of entries) {
    const data = Buffer.isBuffer(c) ? c : Buffer.from(c);
    const n = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(n.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(n.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, n, data);
    centrals.push(central, n);
    offset += 30 + n.length + data.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

const CT = (main: string) => `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/><Override PartName="/${main.split('|')[0]}" ContentType="${main.split('|')[1]}"/></Types>`;
export const docx = () => zip([['[Content_Types].xml', CT('word/document.xml|application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml')], ['word/document.xml', '<w:document/>']]);
export const xlsx = () => zip([['[Content_Types].xml', CT('xl/workbook.xml|application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml')], ['xl/workbook.xml', '<workbook/>']]);
export const pptx = () => zip([['[Content_Types].xml', CT('ppt/presentation.xml|application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml')], ['ppt/presentation.xml', '<p:presentation/>']]);
export const plainZip = () => zip([['notes.txt', 'just a zip'], ['more.txt', 'still a zip']]);

const FREE = 0xffffffff;
const END = 0xfffffffe;

/** An OLE2 compound file whose root storage holds empty streams with these names (at most 3). */
export function cfb(streams: string[]): Buffer {
  if (streams.length > 3) throw new Error('at most 3 streams fit this fixture');
  const header = Buffer.alloc(512);
  Buffer.from('D0CF11E0A1B11AE1', 'hex').copy(header, 0);
  header.writeUInt16LE(0x003e, 24);
  header.writeUInt16LE(0x0003, 26);
  header.writeUInt16LE(0xfffe, 28);
  header.writeUInt16LE(9, 30);
  header.writeUInt16LE(6, 32);
  header.writeUInt32LE(1, 44); // FAT sectors
  header.writeUInt32LE(1, 48); // first directory sector
  header.writeUInt32LE(0x1000, 56);
  header.writeUInt32LE(END, 60);
  header.writeUInt32LE(END, 68);
  header.writeUInt32LE(0, 76); // DIFAT[0]: the FAT is sector 0
  for (let i = 1; i < 109; i++) header.writeUInt32LE(FREE, 76 + i * 4);
  const fat = Buffer.alloc(512, 0xff);
  fat.writeUInt32LE(0xfffffffd, 0);
  fat.writeUInt32LE(END, 4);
  const dir = Buffer.alloc(512);
  const entry = (i: number, name: string, type: number, child: number, right: number) => {
    const o = i * 128;
    const n = Buffer.from(name + '\0', 'utf16le');
    n.copy(dir, o);
    dir.writeUInt16LE(n.length, o + 64);
    dir[o + 66] = type;
    dir[o + 67] = 1;
    dir.writeUInt32LE(FREE, o + 68);
    dir.writeUInt32LE(right, o + 72);
    dir.writeUInt32LE(child, o + 76);
    dir.writeUInt32LE(END, o + 116);
  };
  entry(0, 'Root Entry', 5, streams.length ? 1 : FREE, FREE);
  streams.forEach((s, i) => entry(i + 1, s, 2, FREE, i + 2 <= streams.length ? i + 2 : FREE));
  return Buffer.concat([header, fat, dir]);
}
