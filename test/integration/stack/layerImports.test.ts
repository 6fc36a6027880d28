import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeZip, type ZipEntry } from '../../helpers/sandbox';
import { importsPathFor, layerImports, readLayerImports } from '../../../src/stack/layerImports';

function dist(name: string, body: string): ZipEntry[] {
  return [
    { name: `python/${name}/__init__.py`, data: body },
    { name: `python/${name}-1.0.dist-info/METADATA`, data: `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n` },
  ];
}

const BUSY = 'import time\nt = time.perf_counter()\nwhile time.perf_counter() - t < 0.15:\n    pass\n';

test(
  "a built layer's own import ranking: heaviest first, kept next to the zip, measured again only for other bytes",
  { timeout: 120_000 },
  async () => {
    const dir = await fs.mkdtemp(join(tmpdir(), 'layer-imports-'));
    try {
      const zipPath = join(dir, 'deps.zip');
      const bytes = makeZip([...dist('heavy', BUSY), ...dist('light', 'X = 1\n')]);
      await fs.writeFile(zipPath, bytes);
      const sha = createHash('sha256').update(bytes).digest('base64');
      const first = await layerImports(zipPath, 'python3.12', sha);
      assert.deepEqual(
        first.timings.map((t) => t.module),
        ['heavy', 'light'],
      );
      assert.ok(
        first.timings[0].ms >= 150 && first.timings[0].share > first.timings[1].share,
        JSON.stringify(first.timings),
      );
      assert.match(first.python, /^3\.\d+\.\d+$/);
      assert.deepEqual(await readLayerImports(zipPath, sha), first);

      // Kept: the same bytes are not measured again (a doctored ranking is returned as kept).
      await fs.writeFile(
        importsPathFor(zipPath),
        JSON.stringify({ ...first, timings: [{ module: 'kept', ms: 1, share: 1 }] }),
      );
      assert.deepEqual(
        (await layerImports(zipPath, 'python3.12', sha)).timings.map((t) => t.module),
        ['kept'],
      );
      // A rebuild (other bytes, other CodeSha256) is measured again.
      assert.equal(await readLayerImports(zipPath, 'other-sha'), undefined);
      assert.deepEqual(
        (await layerImports(zipPath, 'python3.12', 'other-sha')).timings.map((t) => t.module),
        ['heavy', 'light'],
      );
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  },
);
