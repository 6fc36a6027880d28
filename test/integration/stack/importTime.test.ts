import { test } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeZip, type ZipEntry } from '../../helpers/sandbox';
import type { ReadSource } from '../../../src/stack/analyze';
import { cumulativeMicros, measureImports } from '../../../src/stack/importTime';
import { zipContents } from '../../../src/stack/packages';
import { readZipIndex } from '../../../src/stack/zipIndex';

function dist(name: string, version: string, body: string): ZipEntry[] {
  return [
    { name: `python/${name}/__init__.py`, data: body },
    {
      name: `python/${name}-${version}.dist-info/METADATA`,
      data: `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n`,
    },
  ];
}

test('importtime lines: the cumulative time of the top-level import', () => {
  const stderr = [
    'import time: self [us] | cumulative | imported package',
    'import time:       446 |        446 |       _json',
    'import time:       433 |      14592 | json',
  ].join('\n');
  assert.equal(cumulativeMicros(stderr, 'json'), 14592);
  assert.equal(cumulativeMicros(stderr, '_json'), undefined, 'nested imports are not top-level');
});

test(
  'a package with a heavy import is measured heavier; bytecode is measured for a layer that ships none; a broken import says why',
  { timeout: 120_000 },
  async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'stack-imports-'));
    try {
      // ~200 lines of functions to compile, and a busy wait of 150 ms at import.
      const heavySource = `import time\n${Array.from({ length: 200 }, (_, i) => `def f${i}(x):\n    return [x * ${i} for _ in range(3)]\n`).join('')}t = time.perf_counter()\nwhile time.perf_counter() - t < 0.15:\n    pass\n`;
      const zip = join(dir, 'layer.zip');
      await fs.writeFile(
        zip,
        makeZip([
          ...dist('heavy', '1.0', heavySource),
          ...dist('light', '1.0', 'X = 1\n'),
          ...dist('broken', '1.0', 'raise ImportError("needs libfoo")\n'),
        ]),
      );
      const code = join(dir, 'code.zip');
      await fs.writeFile(code, makeZip([{ name: 'app.py', data: 'def handler(e, c):\n    return 1\n' }]));
      const read = async (path: string, kind: 'function' | 'layer', source: string): Promise<ReadSource> => ({
        source,
        kind,
        codeSha256: '',
        zipPath: path,
        contents: zipContents(kind, await readZipIndex(path)),
      });
      const m = await measureImports('python3.11', [
        await read(code, 'function', 'function'),
        await read(zip, 'layer', 'arn:l:1'),
      ]);
      const byModule = new Map(m.timings.map((t) => [t.module, t]));
      assert.deepEqual([...byModule.keys()].sort(), ['broken', 'heavy', 'light']);
      assert.ok(byModule.get('heavy')!.ms > byModule.get('light')!.ms, JSON.stringify(m.timings));
      assert.equal(m.timings[0].module, 'heavy', 'ranked heaviest first');
      assert.ok(byModule.get('heavy')!.share > 0.5);
      assert.equal(typeof byModule.get('light')!.msWithBytecode, 'number');
      assert.match(byModule.get('broken')!.error ?? '', /needs libfoo/);
      assert.equal(byModule.get('heavy')!.source, 'arn:l:1');
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
