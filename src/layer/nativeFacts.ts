import { readLayerFile, readLayerFileHead, type LayerFile } from './content';
import { ElfError, isElf, parseElf, type ElfInfo } from './elf';

/**
 * What the compatibility scan learns from one file's bytes alone, whatever the target and wherever the file is
 * installed: so it can be kept with the wheel it came from and never read again while that wheel is unchanged.
 */
export type NativeFacts =
  { kind: 'elf'; info: ElfInfo } | { kind: 'damaged-elf'; message: string } | { kind: 'Mach-O' | 'PE' | 'other' };

/** Facts already known of a layer's files, and where new ones are kept. */
export interface NativeFactsStore {
  get(file: LayerFile): NativeFacts | undefined;
  put(file: LayerFile, facts: NativeFacts): void;
  /** Keeps what `put` was given for later builds. */
  save(): Promise<void>;
}

/** Reads the facts: the first bytes, and for ELF the whole file (a library in a wheel is inflated for it). */
export async function readNativeFacts(file: LayerFile): Promise<NativeFacts> {
  const head = await readLayerFileHead(file, 4);
  if (!isElf(head)) return { kind: foreignBinaryKind(head) ?? 'other' };
  try {
    return { kind: 'elf', info: parseElf(await readLayerFile(file)) };
  } catch (e) {
    if (!(e instanceof ElfError)) throw e;
    return { kind: 'damaged-elf', message: e.message };
  }
}

/**
 * Native code for another OS, told by its first bytes: Mach-O (thin or universal) is macOS, "MZ" a Windows PE.
 * Only meaningful for module files (a universal binary's magic is also a Java class file's).
 */
export function foreignBinaryKind(head: Uint8Array): 'Mach-O' | 'PE' | undefined {
  if (head.length < 4) return undefined;
  const magic = Buffer.from(head).readUInt32BE(0);
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe, 0xcafebabe, 0xbebafeca].includes(magic)) return 'Mach-O';
  return head[0] === 0x4d && head[1] === 0x5a ? 'PE' : undefined;
}

/** Whether `value` (read back from a cache file) has the shape of NativeFacts. */
export function isNativeFacts(value: unknown): value is NativeFacts {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v.kind === 'Mach-O' || v.kind === 'PE' || v.kind === 'other') return true;
  if (v.kind === 'damaged-elf') return typeof v.message === 'string';
  if (v.kind !== 'elf' || typeof v.info !== 'object' || v.info === null) return false;
  const info = v.info as Record<string, unknown>;
  const strings = (x: unknown) => Array.isArray(x) && x.every((s) => typeof s === 'string');
  return (
    (info.bits === 32 || info.bits === 64) &&
    typeof info.type === 'number' &&
    typeof info.machine === 'number' &&
    typeof info.machineName === 'string' &&
    strings(info.needed) &&
    strings(info.runpath) &&
    strings(info.rpath) &&
    Array.isArray(info.versionNeeds) &&
    info.versionNeeds.every(
      (n: unknown) =>
        typeof n === 'object' &&
        n !== null &&
        typeof (n as { file?: unknown }).file === 'string' &&
        strings((n as { versions?: unknown }).versions),
    )
  );
}
