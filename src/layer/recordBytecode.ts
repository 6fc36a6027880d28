import { promises as fs } from 'node:fs';
import type { DistInfo } from './distInfo';
import type { StagedTree } from './scan';
import { rewriteRecord } from './wheelLayout';

/** "pkg/__pycache__/mod.cpython-311.pyc" → "pkg/mod.py". */
const PYC = /^(.*?)__pycache__\/(.+)\.[^./]+\.pyc$/;

/**
 * pip -t lists the bytecode it compiles in the RECORD of each package whose source it is (rows without hash and
 * size); bytecode compiled after pip installed to a folder is added the same way. Sizes in `tree` are updated.
 */
export async function recordBytecode(tree: StagedTree, dists: DistInfo[]): Promise<void> {
  const pycsBySource = new Map<string, string[]>();
  for (const f of tree.files) {
    const m = PYC.exec(f.path);
    if (!m) continue;
    const source = `${m[1]}${m[2]}.py`;
    pycsBySource.set(source, [...(pycsBySource.get(source) ?? []), f.path]);
  }
  const byPath = new Map(tree.files.map((f) => [f.path, f]));
  for (const d of dists) {
    const listed = new Set(d.files);
    const bytecode = d.files.flatMap((f) => pycsBySource.get(f) ?? []).filter((p) => !listed.has(p));
    const record = byPath.get(`${d.dir}/RECORD`);
    if (bytecode.length === 0 || !record) continue;
    const text = rewriteRecord({
      original: await fs.readFile(record.abs, 'utf8'),
      distInfo: d.dir,
      place: (name) => name,
      installed: [],
      generated: [],
      bytecode,
    });
    await fs.writeFile(record.abs, text, 'utf8');
    const size = Buffer.byteLength(text);
    tree.totalSize += size - record.size;
    record.size = size;
  }
}
