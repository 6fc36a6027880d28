/**
 * A small ELF reader: just what the compatibility scan needs (class, machine, type, DT_NEEDED and the
 * symbol versions the file needs from other libraries). Reads section headers when present and falls back
 * to the dynamic segment for stripped files without them.
 */

export interface ElfInfo {
  bits: 32 | 64;
  /** e_type: 1 relocatable, 2 executable, 3 shared object / PIE. */
  type: number;
  machine: number;
  machineName: string;
  needed: string[];
  /** DT_RUNPATH split at ":" (e.g. `$ORIGIN/../lib`); empty when absent. */
  runpath: string[];
  /**
   * DT_RPATH split at ":", as written (auditwheel writes `$ORIGIN/../numpy.libs` here, with patchelf
   * --force-rpath). The loader ignores it when the object has a DT_RUNPATH, and otherwise
   * also searches it for the libraries the object's own libraries need (RUNPATH applies to direct needs only).
   */
  rpath: string[];
  /** Version needs grouped by the library that provides them, e.g. libc.so.6 → [GLIBC_2.2.5, GLIBC_2.28]. */
  versionNeeds: { file: string; versions: string[] }[];
}

export class ElfError extends Error {}

const MACHINES: Record<number, string> = {
  3: 'i386',
  8: 'mips',
  20: 'ppc',
  21: 'ppc64',
  22: 's390',
  40: 'arm',
  62: 'x86_64',
  183: 'aarch64',
  243: 'riscv',
};
export const EM_X86_64 = 62;
export const EM_AARCH64 = 183;

const SHT_DYNAMIC = 6;
const SHT_GNU_VERNEED = 0x6ffffffe;
const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_RPATH = 15;
const DT_RUNPATH = 29;
const DT_VERNEED = 0x6ffffffe;
const DT_VERNEEDNUM = 0x6fffffff;

export function isElf(buf: Uint8Array): boolean {
  return buf.length >= 4 && buf[0] === 0x7f && buf[1] === 0x45 && buf[2] === 0x4c && buf[3] === 0x46;
}

function machineName(machine: number): string {
  return MACHINES[machine] ?? `machine-${machine}`;
}

class Reader {
  constructor(
    readonly buf: Buffer,
    readonly le: boolean,
    readonly bits: 32 | 64,
  ) {}
  private check(off: number, len: number): void {
    if (off < 0 || off + len > this.buf.length) throw new ElfError('truncated ELF file');
  }
  u16(off: number): number {
    this.check(off, 2);
    return this.le ? this.buf.readUInt16LE(off) : this.buf.readUInt16BE(off);
  }
  u32(off: number): number {
    this.check(off, 4);
    return this.le ? this.buf.readUInt32LE(off) : this.buf.readUInt32BE(off);
  }
  /** A word: 4 bytes in ELF32, 8 in ELF64 (offsets here stay far below 2^53). */
  word(off: number): number {
    if (this.bits === 32) return this.u32(off);
    this.check(off, 8);
    return Number(this.le ? this.buf.readBigUInt64LE(off) : this.buf.readBigUInt64BE(off));
  }
  str(off: number): string {
    this.check(off, 1);
    const end = this.buf.indexOf(0, off);
    if (end < 0) throw new ElfError('unterminated string');
    return this.buf.toString('latin1', off, end);
  }
}

interface Section {
  type: number;
  offset: number;
  size: number;
  link: number;
  info: number;
}

export function parseElf(buf: Buffer): ElfInfo {
  if (!isElf(buf) || buf.length < 52) throw new ElfError('not an ELF file');
  const bits = buf[4] === 2 ? 64 : buf[4] === 1 ? 32 : undefined;
  if (!bits) throw new ElfError('unknown ELF class');
  if (buf[5] !== 1 && buf[5] !== 2) throw new ElfError('unknown ELF byte order');
  const r = new Reader(buf, buf[5] === 1, bits);
  const type = r.u16(16);
  const machine = r.u16(18);
  const info: ElfInfo = {
    bits,
    type,
    machine,
    machineName: machineName(machine),
    needed: [],
    runpath: [],
    rpath: [],
    versionNeeds: [],
  };
  const sections = readSections(r);
  if (sections.length > 0) readFromSections(r, sections, info);
  else readFromSegments(r, info);
  return info;
}

function readSections(r: Reader): Section[] {
  const is64 = r.bits === 64;
  const shoff = r.word(is64 ? 0x28 : 0x20);
  const shentsize = r.u16(is64 ? 0x3a : 0x2e);
  let shnum = r.u16(is64 ? 0x3c : 0x30);
  if (shoff === 0) return [];
  // Extended numbering: the real count sits in section 0's sh_size.
  if (shnum === 0) shnum = r.word(shoff + (is64 ? 0x20 : 0x14));
  if (shnum > 65535 || shentsize < (is64 ? 64 : 40)) throw new ElfError('bad section header table');
  const sections: Section[] = [];
  for (let i = 0; i < shnum; i++) {
    const base = shoff + i * shentsize;
    sections.push({
      type: r.u32(base + 4),
      offset: r.word(base + (is64 ? 0x18 : 0x10)),
      size: r.word(base + (is64 ? 0x20 : 0x14)),
      link: r.u32(base + (is64 ? 0x28 : 0x18)),
      info: r.u32(base + (is64 ? 0x2c : 0x1c)),
    });
  }
  return sections;
}

function readFromSections(r: Reader, sections: Section[], info: ElfInfo): void {
  for (const s of sections) {
    const strtab = sections[s.link];
    if (s.type === SHT_DYNAMIC && strtab) {
      const entSize = r.bits === 64 ? 16 : 8;
      const entries: [number, number][] = [];
      for (let off = s.offset; off + entSize <= s.offset + s.size; off += entSize) {
        const tag = r.word(off);
        if (tag === 0) break;
        entries.push([tag, r.word(off + entSize / 2)]);
      }
      readDynamic(r, entries, strtab.offset, info);
    } else if (s.type === SHT_GNU_VERNEED && strtab) {
      readVerneed(r, s.offset, s.info, strtab.offset, info);
    }
  }
}

/** Without section headers: PT_DYNAMIC gives the tables by virtual address, PT_LOAD maps them to offsets. */
function readFromSegments(r: Reader, info: ElfInfo): void {
  const is64 = r.bits === 64;
  const phoff = r.word(is64 ? 0x20 : 0x1c);
  const phentsize = r.u16(is64 ? 0x36 : 0x2a);
  const phnum = r.u16(is64 ? 0x38 : 0x2c);
  const loads: { vaddr: number; offset: number; filesz: number }[] = [];
  let dynamic: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const base = phoff + i * phentsize;
    const pType = r.u32(base);
    const offset = r.word(base + (is64 ? 0x08 : 0x04));
    const vaddr = r.word(base + (is64 ? 0x10 : 0x08));
    const filesz = r.word(base + (is64 ? 0x20 : 0x10));
    if (pType === PT_LOAD) loads.push({ vaddr, offset, filesz });
    if (pType === PT_DYNAMIC) dynamic = { offset, size: filesz };
  }
  if (!dynamic) return;
  const toOffset = (vaddr: number): number => {
    const seg = loads.find((l) => vaddr >= l.vaddr && vaddr < l.vaddr + l.filesz);
    if (!seg) throw new ElfError('address outside loaded segments');
    return vaddr - seg.vaddr + seg.offset;
  };
  const entSize = is64 ? 16 : 8;
  const entries: [number, number][] = [];
  for (let off = dynamic.offset; off + entSize <= dynamic.offset + dynamic.size; off += entSize) {
    const tag = r.word(off);
    if (tag === 0) break;
    entries.push([tag, r.word(off + entSize / 2)]);
  }
  const get = (tag: number) => entries.find(([t]) => t === tag)?.[1];
  const strtabAddr = get(DT_STRTAB);
  if (strtabAddr === undefined) return;
  const strtab = toOffset(strtabAddr);
  readDynamic(r, entries, strtab, info);
  const verneed = get(DT_VERNEED);
  if (verneed !== undefined) readVerneed(r, toOffset(verneed), get(DT_VERNEEDNUM) ?? 0, strtab, info);
}

/** DT_NEEDED names and both run paths (the scan applies the loader's rule between them). */
function readDynamic(r: Reader, entries: [number, number][], strtab: number, info: ElfInfo): void {
  const paths = (val: number) =>
    r
      .str(strtab + val)
      .split(':')
      .filter(Boolean);
  for (const [tag, val] of entries) {
    if (tag === DT_NEEDED) info.needed.push(r.str(strtab + val));
    else if (tag === DT_RUNPATH) info.runpath = paths(val);
    else if (tag === DT_RPATH) info.rpath = paths(val);
  }
}

/** Elf_Verneed / Elf_Vernaux have the same 16-byte layout in ELF32 and ELF64. */
function readVerneed(r: Reader, start: number, count: number, strtab: number, info: ElfInfo): void {
  let off = start;
  for (let i = 0; i < count && i < 4096; i++) {
    const cnt = r.u16(off + 2);
    const file = r.str(strtab + r.u32(off + 4));
    const versions: string[] = [];
    let aux = off + r.u32(off + 8);
    for (let j = 0; j < cnt && j < 4096; j++) {
      versions.push(r.str(strtab + r.u32(aux + 8)));
      const next = r.u32(aux + 12);
      if (next === 0) break;
      aux += next;
    }
    info.versionNeeds.push({ file, versions });
    const next = r.u32(off + 12);
    if (next === 0) break;
    off += next;
  }
}

/**
 * The highest glibc 2.x the file needs, as the minor number x. GLIBC_ABI_DT_RELR marks objects linked with
 * packed relocations, which only glibc 2.36+ loads; GLIBC_PRIVATE and other libraries' versions are ignored.
 */
export function maxGlibcMinor(info: ElfInfo): number | undefined {
  let max: number | undefined;
  for (const need of info.versionNeeds) {
    for (const v of need.versions) {
      const m = /^GLIBC_2\.(\d+)(?:\.\d+)?$/.exec(v);
      const minor = m ? Number(m[1]) : v === 'GLIBC_ABI_DT_RELR' ? 36 : undefined;
      if (minor !== undefined && (max === undefined || minor > max)) max = minor;
    }
  }
  return max;
}
