import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { sourceBuildWarning } from '../../../src/layer/sourceBuilds';

test('source builds: on Windows and macOS the warning says their native code cannot load on Lambda and where to build', () => {
  assert.match(
    sourceBuildWarning('win32'),
    /on Windows: .*compiled for Windows, and Lambda \(Linux\) cannot load .*Build on Linux/,
  );
  assert.match(sourceBuildWarning('darwin'), /on macOS: .*compiled for macOS/);
  assert.match(sourceBuildWarning('linux'), /compiled on this machine and may not load on Lambda/);
});
