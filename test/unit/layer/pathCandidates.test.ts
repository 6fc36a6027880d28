import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { pathCandidates } from '../../../src/layer/processes';

test('Windows: each PATH folder (";"-separated, spaces and non-ASCII kept) with each PATHEXT extension', () => {
  const env = { Path: 'C:\\Program Files\\uv;C:\\Users\\Zoë\\.local\\bin;', PATHEXT: '.EXE;.CMD' };
  assert.deepEqual(pathCandidates('uv', env, 'win32'), [
    'C:\\Program Files\\uv\\uv.EXE',
    'C:\\Program Files\\uv\\uv.CMD',
    'C:\\Users\\Zoë\\.local\\bin\\uv.EXE',
    'C:\\Users\\Zoë\\.local\\bin\\uv.CMD',
  ]);
  assert.deepEqual(pathCandidates('uv', { PATH: 'C:\\tools' }, 'win32'), [
    'C:\\tools\\uv.EXE',
    'C:\\tools\\uv.CMD',
    'C:\\tools\\uv.BAT',
  ]);
});

test('macOS and Linux: each ":"-separated PATH folder, the name as is', () => {
  for (const platform of ['darwin', 'linux'] as const) {
    assert.deepEqual(pathCandidates('uv', { PATH: '/opt/my tools/bin::/usr/bin' }, platform), [
      '/opt/my tools/bin/uv',
      '/usr/bin/uv',
    ]);
  }
});
