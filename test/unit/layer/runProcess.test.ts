// runProcess: a command whose work is done before it exits (pip after its report) is not waited for, and is
// still stopped by a cancel.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as delay } from 'node:timers/promises';
import { runProcess } from '../../../src/layer/processes';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('with doneAfter the result comes at that line while the process still runs; the signal still stops it', async () => {
  const controller = new AbortController();
  let pid = 0;
  const lines: string[] = [];
  const result = await runProcess(
    process.execPath,
    ['-e', 'console.log("resolving"); console.log("Would install a-1.0"); setTimeout(() => {}, 60000)'],
    {
      signal: controller.signal,
      onSpawn: (p) => (pid = p),
      onLine: (line) => lines.push(line),
      doneAfter: (line) => line.startsWith('Would install'),
    },
  );
  assert.equal(result.code, 0);
  assert.deepEqual(lines, ['resolving', 'Would install a-1.0']);
  assert.ok(alive(pid), 'the process was not waited for');
  controller.abort();
  for (let i = 0; i < 200 && alive(pid); i++) await delay(25);
  assert.equal(alive(pid), false, 'the cancel stopped it');
});

test('without the line the result is the exit code, as always', async () => {
  const result = await runProcess(process.execPath, ['-e', 'console.log("no report"); process.exit(3)'], {
    doneAfter: (line) => line.startsWith('Would install'),
  });
  assert.equal(result.code, 3);
  assert.match(result.output, /no report/);
});
