// The pure parts of warm environments: log phase markers (hostile bytes), memory limits per platform, cgroup joins.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { killPlan, spawnDetached } from '../../../src/util/processTree';
import { joinCgroups } from '../../../src/sandbox/runtime/launch';
import { LogMarkers } from '../../../src/sandbox/runtime/logMarkers';
import { cgroup1MemoryMount, groupRssMb, oomKills, planMemory } from '../../../src/sandbox/runtime/memory';
import { prng } from '../../fixtures/prng';

/** Feeds `wire` in chunks of the given sizes; returns the text per phase (the last one still open). */
function phases(wire: Buffer, markers: string[], sizes: number[]): string[] {
  const out: string[] = [''];
  const m = new LogMarkers((t) => (out[out.length - 1] += t.toString('latin1')));
  for (const marker of markers) m.expect(marker, () => out.push(''));
  for (let i = 0, k = 0; i < wire.length; k++) {
    const n = Math.max(1, sizes[k % sizes.length]);
    m.push(wire.subarray(i, i + n));
    i += n;
  }
  m.end();
  return out;
}

describe('LogMarkers', () => {
  const A = '\0mark-a\0';
  const B = '\0mark-b\0';

  it('splits the log at each expected marker in order, however the pipe cuts it', () => {
    const wire = Buffer.from(`init out\n${A}hello\nworld${B}background`, 'latin1');
    for (const size of [1, 2, 3, 7, wire.length]) {
      assert.deepEqual(phases(wire, [A, B], [size]), ['init out\n', 'hello\nworld', 'background'], `chunks of ${size}`);
    }
  });

  it('treats a marker that is not the one expected next (forged, stale, out of order) as text', () => {
    assert.deepEqual(phases(Buffer.from(`x${B}y${A}z`, 'latin1'), [A, B], [3]), [`x${B}y`, 'z']);
    assert.deepEqual(phases(Buffer.from(`\0mark-\0mark-a\0`, 'latin1'), [A], [1]), ['\0mark-', '']);
  });

  it('hands back a held partial marker as text when the pipe ends', () => {
    assert.deepEqual(phases(Buffer.from('abc\0mar', 'latin1'), [A], [2]), ['abc\0mar']);
  });

  it('finds both markers and loses no byte, on random bytes and random cuts (seeded fuzz)', () => {
    for (let seed = 1; seed <= 2000; seed++) {
      const r = prng(seed);
      const alphabet = ['\0', 'm', 'a', 'r', 'k', '-', 'b', 'x', '\n'];
      const noise = () =>
        Array.from({ length: Math.floor(r() * 12) }, () => alphabet[Math.floor(r() * alphabet.length)]).join('');
      const texts = [noise(), noise(), noise()];
      const wire = Buffer.from(`${texts[0]}${A}${texts[1]}${B}${texts[2]}`, 'latin1');
      const got = phases(
        wire,
        [A, B],
        Array.from({ length: 3 }, () => 1 + Math.floor(r() * 9)),
      );
      // Both markers are found, and every byte comes out exactly once: the phases plus the two markers are the wire.
      assert.equal(got.length, 3, `seed ${seed}`);
      assert.equal(got[0] + A + got[1] + B + got[2], wire.toString('latin1'), `seed ${seed}`);
    }
  });
});

describe('memory limits per platform', () => {
  it('cgroups on Linux where a probe found one, else a /proc watcher; ps on macOS; nothing on Windows', () => {
    assert.deepEqual(planMemory('linux', { v2: '/cg' }), { kind: 'cgroup-v2', dir: '/cg' });
    assert.deepEqual(planMemory('linux', { v1: '/cg1' }), { kind: 'cgroup-v1', dir: '/cg1' });
    assert.deepEqual(planMemory('linux', { why: 'none' }), { kind: 'watch', sampler: 'proc' });
    assert.deepEqual(planMemory('darwin', { v2: '/cg' }), { kind: 'watch', sampler: 'ps' });
    assert.deepEqual(planMemory('win32', { v2: '/cg' }), { kind: 'none' });
  });

  it("reads the kernel's OOM kill count from cgroup v2 memory.events and v1 memory.oom_control", () => {
    assert.equal(oomKills('low 0\nhigh 0\nmax 12\noom 1\noom_kill 1\noom_group_kill 0\n'), 1);
    assert.equal(oomKills('oom_kill_disable 0\nunder_oom 0\noom_kill 3\n'), 3);
    assert.equal(oomKills('oom_kill_disable 0\nunder_oom 0\n'), 0);
    assert.equal(oomKills(''), 0);
  });

  it('finds the cgroup v1 memory mount on a hybrid host', () => {
    const mounts = [
      'cgroup /sys/fs/cgroup/cpu cgroup rw,relatime,cpu 0 0',
      'cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0',
      'cgroup2 /sys/fs/cgroup/unified cgroup2 rw,relatime 0 0',
    ].join('\n');
    assert.equal(cgroup1MemoryMount(mounts), '/sys/fs/cgroup/memory');
    assert.equal(cgroup1MemoryMount('cgroup2 /sys/fs/cgroup cgroup2 rw 0 0'), undefined);
  });

  it('sums the resident memory of one process group from ps output', () => {
    const ps = '    1  1200\n  500 10240\n  500  2048\n  501 99999\n  junk\n';
    assert.equal(groupRssMb(ps, 500), 12);
    assert.equal(groupRssMb(ps, 42), undefined);
  });
});

describe('starting and stopping an environment per platform', () => {
  it('joins each cgroup before becoming the interpreter, and runs it directly without one', () => {
    assert.deepEqual(joinCgroups([], ['python3', 'b.py']), ['python3', 'b.py']);
    const cmd = joinCgroups(['/cg/a/cgroup.procs', '/cg/b/cgroup.procs'], ['bwrap', '--', 'python3']);
    assert.deepEqual(cmd.slice(0, 2), ['/bin/sh', '-c']);
    assert.deepEqual(cmd.slice(3), ['sh', '2', '/cg/a/cgroup.procs', '/cg/b/cgroup.procs', 'bwrap', '--', 'python3']);
  });

  it('never detaches on Windows (a detached child gets its own console) and kills by tree there, by group elsewhere', () => {
    assert.equal(spawnDetached('win32'), false);
    assert.equal(spawnDetached('darwin'), true);
    assert.equal(spawnDetached('linux'), true);
    assert.deepEqual(killPlan('win32', 42, 'SIGKILL'), {
      kind: 'taskkill',
      command: 'taskkill',
      args: ['/pid', '42', '/T', '/F'],
    });
    assert.deepEqual(killPlan('darwin', 42, 'SIGKILL'), { kind: 'group', pgid: 42, signal: 'SIGKILL' });
    assert.deepEqual(killPlan('linux', 42, 'SIGKILL'), { kind: 'group', pgid: 42, signal: 'SIGKILL' });
  });
});
