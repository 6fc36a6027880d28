import * as l10n from '@vscode/l10n';
import { UserError } from '../util/errors';

/** Byte order marks pip recognises (pip's utils/encoding.py BOMS), longest first where they share a prefix. */
const BOMS: { bom: number[]; encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'utf-32' }[] = [
  { bom: [0xef, 0xbb, 0xbf], encoding: 'utf-8' },
  { bom: [0xff, 0xfe, 0x00, 0x00], encoding: 'utf-32' },
  { bom: [0x00, 0x00, 0xfe, 0xff], encoding: 'utf-32' },
  { bom: [0xff, 0xfe], encoding: 'utf-16le' },
  { bom: [0xfe, 0xff], encoding: 'utf-16be' },
];

/**
 * A requirements file's text as pip decodes it (pip's auto_decode): a BOM picks UTF-8, UTF-16 LE or BE and is
 * dropped; without one, UTF-8 (the locale encoding pip falls back to on every system we build on). pip and uv
 * both read BOM-marked UTF-16 themselves, so they are handed the original file. What they would misread is
 * refused with a message: UTF-32 (pip takes its BOM for UTF-16), UTF-16 without a BOM, bytes that are not UTF-8.
 */
export function decodeRequirementsFile(bytes: Uint8Array, file: string): string {
  const found = BOMS.find(({ bom }) => bom.every((b, i) => bytes[i] === b));
  const encoding = found?.encoding ?? 'utf-8';
  if (encoding === 'utf-32')
    throw new UserError(l10n.t('{0} is saved as UTF-32, which pip cannot read. Save it as UTF-8.', file));
  const notText = () =>
    new UserError(
      l10n.t(
        '{0} is not UTF-8 text (nor UTF-16 with a byte order mark), so pip cannot read it. Save it as UTF-8.',
        file,
      ),
    );
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(bytes.subarray(found?.bom.length ?? 0));
  } catch {
    throw notText();
  }
  // UTF-16 without a BOM decodes as "UTF-8" full of NULs.
  if (text.includes('\0')) throw notText();
  return text;
}
