import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SANDBOX_PATHS, bwrapArgs } from '../../../src/sandbox/runtime/bwrap';
import { cgroup2Mount, ownCgroupPath } from '../../../src/sandbox/runtime/cgroup';
import { lambdaEnv } from '../../../src/sandbox/runtime/env';
import { interpreterExit } from '../../../src/sandbox/runtime/launch';
import { planIsolation, type HostProbe } from '../../../src/sandbox/runtime/isolation';
import { hasMarker, INVOCATION_MARKER_VAR } from '../../../src/sandbox/runtime/sweep';

const linux = (over: Partial<HostProbe> = {}): HostProbe => ({
  platform: 'linux',
  bwrap: { ok: true },
  cgroup: { dir: '/sys/fs/cgroup/lambda-layers-1' },
  hostRoot: { bin: { symlink: 'usr/bin' } },
  memory: { v2: '/sys/fs/cgroup/lambda-layers-1' },
  ...over,
});

describe('planIsolation', () => {
  it('uses bubblewrap and its PID namespace when bwrap works, and says so', () => {
    const plan = planIsolation(linux());
    assert.equal(plan.bwrap, true);
    assert.equal(plan.cleanup, 'pid-namespace');
    assert.deepEqual(plan.hostRoot, { bin: { symlink: 'usr/bin' } });
    assert.match(plan.notices.join('\n'), /bubblewrap: each sees only its \/var\/task, \/opt, a private \/tmp/);
  });

  it('falls back to a cgroup per invocation, and says why handlers are not isolated', () => {
    const plan = planIsolation(linux({ bwrap: { ok: false, why: 'bubblewrap (bwrap) is not installed' } }));
    assert.equal(plan.bwrap, false);
    assert.equal(plan.cleanup, 'cgroup');
    assert.equal(plan.cgroupDir, '/sys/fs/cgroup/lambda-layers-1');
    assert.equal(plan.notices.length, 1);
    assert.match(
      plan.notices[0],
      /^Local handlers are not isolated from each other: bubblewrap \(bwrap\) is not installed\./,
    );
  });

  it('falls back to the environment sweep without a usable cgroup, naming both reasons', () => {
    const plan = planIsolation(
      linux({ bwrap: { ok: false, why: 'no user namespaces' }, cgroup: { why: 'EACCES: permission denied' } }),
    );
    assert.equal(plan.cleanup, 'environ-sweep');
    assert.equal(plan.cgroupDir, undefined);
    assert.match(plan.notices[0], /not isolated from each other: no user namespaces/);
    assert.match(plan.notices[1], /marker in their environment \(no usable cgroup v2: EACCES: permission denied\)/);
  });

  it('holds memory with a cgroup where one takes a limit, else a watcher; on Windows not at all, and says so', () => {
    assert.deepEqual(planIsolation(linux()).memory, { kind: 'cgroup-v2', dir: '/sys/fs/cgroup/lambda-layers-1' });
    assert.deepEqual(planIsolation(linux({ memory: { v1: '/sys/fs/cgroup/memory/x' } })).memory, {
      kind: 'cgroup-v1',
      dir: '/sys/fs/cgroup/memory/x',
    });
    const watched = planIsolation(linux({ memory: { why: 'no memory controller' } }));
    assert.deepEqual(watched.memory, { kind: 'watch', sampler: 'proc' });
    assert.match(watched.notices.join('\n'), /sampling each environment's resident memory .*no memory controller/);
    const mac = planIsolation({
      platform: 'darwin',
      bwrap: { ok: false, why: 'Linux-only' },
      cgroup: { why: 'not Linux' },
    });
    assert.deepEqual(mac.memory, { kind: 'watch', sampler: 'ps' });
    const win = planIsolation({
      platform: 'win32',
      bwrap: { ok: false, why: 'Linux-only' },
      cgroup: { why: 'not Linux' },
      memory: { v2: '/x' },
    });
    assert.deepEqual(win.memory, { kind: 'none' });
    assert.match(win.notices.join('\n'), /Memory size is not enforced on Windows/);
    assert.deepEqual([planIsolation(linux()).platform, mac.platform, win.platform], ['linux', 'darwin', 'win32']);
  });

  it('uses the process group on macOS and taskkill on Windows, never bubblewrap', () => {
    const mac = planIsolation({
      platform: 'darwin',
      bwrap: { ok: false, why: 'Linux-only' },
      cgroup: { why: 'not Linux' },
    });
    assert.deepEqual([mac.bwrap, mac.cleanup], [false, 'process-group']);
    assert.match(mac.notices.join('\n'), /not isolated.*\n.*setsid/);
    // Even a (hypothetical) working probe does not turn bubblewrap on outside Linux.
    const win = planIsolation({ platform: 'win32', bwrap: { ok: true }, cgroup: { dir: '/x' } });
    assert.deepEqual([win.bwrap, win.cleanup], [false, 'taskkill']);
    assert.match(win.notices.join('\n'), /taskkill \/T/);
  });
});

describe('bwrapArgs', () => {
  const args = bwrapArgs({
    codeDir: '/data/cache/task/abc',
    optDir: '/data/cache/opt/def',
    optLinks: [{ name: 'python', target: '/work/build/staging' }],
    runtimeDir: '/tmp/lambda-layers-sandbox-0/123',
    installDirs: ['/root/.pyenv/versions/3.11.7', '/usr/bin'],
    hostRoot: { bin: { symlink: 'usr/bin' }, lib: 'dir' },
    command: ['/root/.pyenv/versions/3.11.7/bin/python3.11', '-I', '/var/runtime/bootstrap.py'],
  });
  const pairs = (flag: string) => args.flatMap((a, i) => (a === flag ? [`${args[i + 1]} -> ${args[i + 2]}`] : []));

  it("maps the task, opt and runtime folders to Lambda's paths, read-only, and runs there", () => {
    assert.deepEqual(
      pairs('--ro-bind').filter((p) => /\/(data|var|opt|work)\b/.test(p)),
      [
        '/data/cache/task/abc -> /var/task',
        '/data/cache/opt/def -> /opt',
        '/work/build/staging -> /work/build/staging',
        '/tmp/lambda-layers-sandbox-0/123 -> /var/runtime',
      ],
    );
    assert.equal(args[args.indexOf('--chdir') + 1], SANDBOX_PATHS.task);
    assert.deepEqual(args.slice(args.indexOf('--') + 1), [
      '/root/.pyenv/versions/3.11.7/bin/python3.11',
      '-I',
      '/var/runtime/bootstrap.py',
    ]);
  });

  it('shows the Python installation, the system folders and a private /tmp; nothing writable of the host', () => {
    assert.ok(pairs('--ro-bind').includes('/root/.pyenv/versions/3.11.7 -> /root/.pyenv/versions/3.11.7'));
    assert.ok(!pairs('--ro-bind').includes('/usr/bin -> /usr/bin'), '/usr is bound once, whole');
    assert.ok(pairs('--ro-bind').includes('/lib -> /lib'));
    assert.ok(pairs('--symlink').includes('usr/bin -> /bin'));
    assert.equal(args[args.indexOf('--tmpfs') + 1], '/tmp');
    assert.ok(!args.includes('--bind'), 'no read-write bind of a host folder');
    assert.ok(!args.some((a) => a === '/' || a === '/home' || a === '/root'));
  });

  it('dies with the endpoint, has its own PID namespace and no capabilities, and keeps the network', () => {
    for (const flag of ['--die-with-parent', '--unshare-pid', '--new-session']) assert.ok(args.includes(flag), flag);
    assert.equal(args[args.indexOf('--cap-drop') + 1], 'ALL');
    assert.ok(!args.includes('--unshare-net') && !args.includes('--unshare-all'));
  });
});

describe('cgroup v2 discovery', () => {
  it('finds the cgroup2 mount on unified and hybrid hosts', () => {
    assert.equal(
      cgroup2Mount('sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0\n'),
      '/sys/fs/cgroup',
    );
    assert.equal(
      cgroup2Mount(
        'tmpfs /sys/fs/cgroup tmpfs rw 0 0\ncgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0\ncgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0\n',
      ),
      '/sys/fs/cgroup/unified',
    );
    assert.equal(cgroup2Mount('cgroup /sys/fs/cgroup/cpu cgroup rw,cpu 0 0\n'), undefined);
  });

  it("reads this process's v2 cgroup, not a v1 controller's", () => {
    assert.equal(ownCgroupPath('4:memory:/process_api/x\n0::/user.slice/app.scope\n'), '/user.slice/app.scope');
    assert.equal(ownCgroupPath('0::/\n'), '/');
    assert.equal(ownCgroupPath('4:memory:/x\n'), undefined);
  });
});

describe('invocation marker', () => {
  const environ = (...vars: string[]) => Buffer.from(vars.map((v) => `${v}\0`).join(''));
  it('matches the whole variable, first or later in the environment', () => {
    assert.ok(hasMarker(environ(`${INVOCATION_MARKER_VAR}=abc`, 'PATH=/bin'), 'abc'));
    assert.ok(hasMarker(environ('PATH=/bin', `${INVOCATION_MARKER_VAR}=abc`), 'abc'));
    assert.ok(!hasMarker(environ(`${INVOCATION_MARKER_VAR}=abcd`), 'abc'));
    assert.ok(!hasMarker(environ(`X${INVOCATION_MARKER_VAR}=abc`), 'abc'));
  });
});

describe('lambdaEnv', () => {
  it('holds only the folders the handler sees and no parameters of the invocation', () => {
    const env = lambdaEnv({
      paths: { ...SANDBOX_PATHS, systemPath: '/usr/local/bin:/usr/bin:/bin' },
      handler: 'app.handler',
      runtime: 'python3.12',
      memoryMb: 128,
      functionName: 'f',
      region: 'us-east-1',
      userEnv: { LAMBDA_TASK_ROOT: '/elsewhere', MY_VAR: 'x' },
      platform: 'linux',
    });
    assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(env.LAMBDA_RUNTIME_DIR, '/var/runtime');
    assert.equal(env.LD_LIBRARY_PATH, '/var/task:/var/task/lib:/opt/lib');
    assert.equal(env.PATH, '/usr/local/bin:/usr/bin:/bin:/opt/bin');
    assert.equal(env.MY_VAR, 'x');
    assert.deepEqual(
      Object.keys(env).filter((k) => k.startsWith('_SANDBOX')),
      [],
    );
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '$LATEST');
  });

  const on = (platform: NodeJS.Platform, paths: { task: string; opt: string; runtime: string; systemPath: string }) =>
    lambdaEnv({
      paths,
      handler: 'app.handler',
      runtime: 'python3.12',
      memoryMb: 128,
      functionName: 'f',
      region: 'us-east-1',
      version: '3',
      platform,
      hostEnv: { SystemRoot: 'C:\\Windows', SECRET: 's' },
    });

  it('on Windows: Windows paths and separator, SYSTEMROOT for Python to start, no LD_LIBRARY_PATH and nothing else of the host', () => {
    const env = on('win32', {
      task: 'C:\\data\\task',
      opt: 'C:\\data\\opt',
      runtime: 'C:\\rt',
      systemPath: 'C:\\Windows\\system32;C:\\Python312',
    });
    assert.equal(env.PATH, 'C:\\Windows\\system32;C:\\Python312;C:\\data\\opt\\bin');
    assert.equal(env.SYSTEMROOT, 'C:\\Windows');
    assert.equal(env.LD_LIBRARY_PATH, undefined);
    assert.equal(env.SECRET, undefined);
    assert.equal(env.AWS_LAMBDA_FUNCTION_VERSION, '3');
    assert.match(env.AWS_LAMBDA_LOG_STREAM_NAME, /^\d{4}\/\d\d\/\d\d\/\[3\][0-9a-f]{32}$/);
  });

  it('on macOS and Linux: POSIX paths, LD_LIBRARY_PATH, and no host variable at all', () => {
    for (const platform of ['darwin', 'linux'] as const) {
      const env = on(platform, { task: '/t', opt: '/o', runtime: '/r', systemPath: '/usr/bin:/bin' });
      assert.equal(env.PATH, '/usr/bin:/bin:/o/bin', platform);
      assert.equal(env.LD_LIBRARY_PATH, '/t:/t/lib:/o/lib', platform);
      assert.equal(env.SYSTEMROOT, undefined, platform);
      assert.equal(env.SECRET, undefined, platform);
    }
  });
});

describe('interpreterExit', () => {
  it("turns bubblewrap's 128 + n back into the signal, and leaves other exits alone", () => {
    assert.deepEqual(interpreterExit(139, null, true), { code: null, signal: 'SIGSEGV' });
    assert.deepEqual(interpreterExit(3, null, true), { code: 3, signal: null });
    assert.deepEqual(interpreterExit(139, null, false), { code: 139, signal: null });
    assert.deepEqual(interpreterExit(null, 'SIGKILL', false), { code: null, signal: 'SIGKILL' });
  });
});
