import { describe, it, before, after, afterEach, mock } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  isAtomicTempFile,
  isUnsupportedFolderSync,
  syncsFolders,
  writeFileAtomic,
  writeThenRename,
} from '../../../src/util/fsAtomic';

const realOpen = fs.open.bind(fs);
const errno = (code: string) => Object.assign(new Error(code), { code });

describe('fsAtomic', () => {
  let dir: string;
  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'fsatomic-'));
  });
  after(() => fs.rm(dir, { recursive: true, force: true }));
  afterEach(() => mock.restoreAll());

  /** Records which paths were opened; `onFolder` answers the folder open (default: the real one). */
  function spyOpens(onFolder?: () => Promise<never>): string[] {
    const opened: string[] = [];
    mock.method(fs, 'open', async (path: string, ...rest: [string, number?]) => {
      opened.push(path);
      if (path === dir && onFolder) return onFolder();
      return realOpen(path, ...rest);
    });
    return opened;
  }

  it('folders are fsynced on linux and darwin, never on win32', () => {
    assert.equal(syncsFolders('linux'), true);
    assert.equal(syncsFolders('darwin'), true);
    assert.equal(syncsFolders('win32'), false);
  });

  it('a win32 write never opens the folder', async () => {
    const opened = spyOpens(() => Promise.reject(errno('EPERM')));
    await writeFileAtomic(join(dir, 'w.json'), 'win', 'win32');
    assert.equal(await fs.readFile(join(dir, 'w.json'), 'utf8'), 'win');
    assert.ok(!opened.includes(dir), 'the folder was opened on win32');
  });

  it('linux opens and syncs the folder; a file system without folder sync (EISDIR/EPERM/EINVAL) is not an error', async () => {
    const opened = spyOpens();
    await writeFileAtomic(join(dir, 'l.json'), 'linux', 'linux');
    assert.ok(opened.includes(dir));
    for (const code of ['EISDIR', 'EPERM', 'EINVAL']) {
      mock.restoreAll();
      spyOpens(() => Promise.reject(errno(code)));
      await writeFileAtomic(join(dir, 'd.json'), code, 'darwin');
      assert.equal(await fs.readFile(join(dir, 'd.json'), 'utf8'), code);
    }
    assert.equal(isUnsupportedFolderSync('EIO'), false);
    mock.restoreAll();
    spyOpens(() => Promise.reject(errno('EIO')));
    await assert.rejects(writeFileAtomic(join(dir, 'e.json'), 'x', 'linux'), { code: 'EIO' });
  });

  it('a write that fails (disk full) removes its temp file and leaves the old content', async () => {
    await writeFileAtomic(join(dir, 'full.json'), 'old');
    mock.method(fs, 'open', async (path: string, ...rest: [string, number?]) => {
      const handle = await realOpen(path, ...rest);
      if (isAtomicTempFile(path.slice(dir.length + 1))) {
        mock.method(handle, 'writeFile', async () => {
          await realWrite(handle);
          throw errno('ENOSPC');
        });
      }
      return handle;
    });
    await assert.rejects(writeFileAtomic(join(dir, 'full.json'), 'new'), { code: 'ENOSPC' });
    assert.equal(await fs.readFile(join(dir, 'full.json'), 'utf8'), 'old');
    assert.deepEqual((await fs.readdir(dir)).filter(isAtomicTempFile), []);
  });

  it("writeThenRename renames what the writer made, and removes a failed writer's temp file leaving the target as it was", async () => {
    const target = join(dir, 'then.bin');
    await writeThenRename(join(dir, 'then.part1'), target, () => fs.writeFile(join(dir, 'then.part1'), 'first'));
    assert.equal(await fs.readFile(target, 'utf8'), 'first');
    await assert.rejects(
      writeThenRename(join(dir, 'then.part2'), target, async () => {
        await fs.writeFile(join(dir, 'then.part2'), 'half');
        throw errno('ENOSPC');
      }),
      { code: 'ENOSPC' },
    );
    assert.equal(await fs.readFile(target, 'utf8'), 'first');
    assert.deepEqual(
      (await fs.readdir(dir)).filter((n) => n.startsWith('then.part')),
      [],
    );
  });

  it('recognises only its own temp file names', () => {
    assert.equal(isAtomicTempFile('.3.json.0123456789ab.tmp'), true);
    assert.equal(isAtomicTempFile(`.${'a'.repeat(64)}.zip.fedcba987654.tmp`), true);
    for (const other of ['.DS_Store', 'notes.tmp', '.x.tmp', '.3.json.abc.tmp', '3.json', '.3.json.0123456789AB.tmp']) {
      assert.equal(isAtomicTempFile(other), false, other);
    }
  });
});

/** Half a write actually lands, as when a disk fills mid-file. */
async function realWrite(handle: { write(data: string): Promise<unknown> }): Promise<void> {
  await handle.write('partial');
}
