// Handlers end with their environment: a double-forked setsid daemon is gone when a one-off run (local invoke)
// returns or times out, when the endpoint retires a warm environment and when the endpoint closes, under each
// cleanup mechanism this machine offers.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvokeCommand, UpdateFunctionConfigurationCommand, waitUntilFunctionUpdatedV2 } from '@aws-sdk/client-lambda';
import { hostIsolation, type Isolation } from '../../../src/sandbox/runtime/isolation';
import { resolvePython } from '../../../src/sandbox/runtime/python';
import { runPython } from '../../../src/sandbox/runtime/runPython';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox } from '../../helpers/sandbox';

// The daemon reports over loopback TCP (the network is shared even inside bubblewrap, files are not) and
// carries a tag in its command line, so the test can look for it among all of this machine's processes.
const HANDLER = `
import os, sys, time

DAEMON = """
import socket, sys, time
s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
s.sendall(("hello " + sys.argv[2] + "\\\\n").encode())
open("/tmp/" + sys.argv[2] + ".ready", "w").close()
while True:
    s.sendall(b"beat\\\\n")
    time.sleep(0.05)
"""

def start_daemon(port, tag):
    if os.fork() == 0:
        os.setsid()
        if os.fork() == 0:
            null = os.open("/dev/null", os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(null, fd)
            os.closerange(3, 256)
            os.execv(sys.executable, [sys.executable, "-c", DAEMON, str(port), tag])
        os._exit(0)
    os.wait()
    while not os.path.exists("/tmp/" + tag + ".ready"):
        time.sleep(0.01)

def returns(event, context):
    start_daemon(event["port"], event["tag"])
    return "started"

def hangs(event, context):
    start_daemon(event["port"], event["tag"])
    time.sleep(60)
`;

/** Counts each daemon's heartbeats and notices when its connection ends (the kernel closes it when the process dies). */
class Heartbeats {
  readonly server: Server;
  private readonly closed = new Map<string, Promise<void>>();
  private readonly resolvers = new Map<string, () => void>();

  constructor() {
    this.server = createServer((socket: Socket) => {
      let tag: string | undefined;
      socket.setEncoding('utf8');
      socket.on('data', (d: string) => {
        const m = /hello (\S+)/.exec(d);
        if (m && !tag) {
          tag = m[1];
          this.watch(tag);
        }
      });
      socket.on('close', () => tag && this.resolvers.get(tag)?.());
      socket.on('error', () => undefined);
    });
  }

  get port(): number {
    return (this.server.address() as { port: number }).port;
  }

  private watch(tag: string): Promise<void> {
    let p = this.closed.get(tag);
    if (!p) {
      p = new Promise((resolve) => this.resolvers.set(tag, resolve));
      this.closed.set(tag, p);
    }
    return p;
  }

  async connected(tag: string): Promise<void> {
    while (!this.closed.has(tag)) await new Promise((r) => setTimeout(r, 20));
  }

  /** Resolves true once the daemon's connection has ended, false if it is still beating after `ms`. */
  async stoppedWithin(tag: string, ms: number): Promise<boolean> {
    assert.ok(this.closed.has(tag), `the daemon ${tag} never connected`);
    return Promise.race([
      this.watch(tag).then(() => true),
      new Promise<boolean>((r) => setTimeout(() => r(false), ms)),
    ]);
  }
}

/** Pids on this machine whose command line carries the tag (a PID namespace's processes included). */
async function processesTagged(tag: string): Promise<number[]> {
  const found: number[] = [];
  for (const name of await fs.readdir('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const cmdline = await fs.readFile(`/proc/${name}/cmdline`, 'utf8').catch(() => '');
    if (cmdline.includes(tag) && !cmdline.includes('node')) found.push(Number(name));
  }
  return found;
}

const newTag = () => `daemon-${randomBytes(6).toString('hex')}`;

describe(
  'processes a handler starts end with its invocation',
  { skip: process.platform !== 'linux' && 'Linux mechanisms' },
  () => {
    let beats: Heartbeats;
    let base: string;
    let minor: string;
    let host: Isolation;

    before(async () => {
      beats = new Heartbeats();
      await new Promise<void>((r) => beats.server.listen(0, '127.0.0.1', r));
      base = await fs.mkdtemp(join(tmpdir(), 'handler-processes-'));
      await fs.mkdir(join(base, 'task'));
      await fs.mkdir(join(base, 'opt'));
      await fs.writeFile(join(base, 'task', 'lambda_function.py'), HANDLER);
      minor = (await resolvePython('python3.12')).minor;
      host = await hostIsolation();
    });
    after(async () => {
      beats.server.close();
      await fs.rm(base, { recursive: true, force: true });
    });

    const mechanisms: Array<[string, () => Isolation | undefined]> = [
      ['bubblewrap PID namespace', () => (host.bwrap ? host : undefined)],
      [
        'cgroup v2',
        () =>
          host.cgroupDir
            ? { ...host, bwrap: false, cleanup: 'cgroup', cgroupDir: host.cgroupDir, notices: [] }
            : undefined,
      ],
      [
        'environment marker sweep',
        () => ({ ...host, bwrap: false, cleanup: 'environ-sweep', cgroupDir: undefined, notices: [] }),
      ],
    ];
    for (const [name, isolation] of mechanisms) {
      const run = (handler: string, tag: string, timeoutSeconds: number, iso: Isolation) =>
        runPython({
          codeDir: join(base, 'task'),
          optDir: join(base, 'opt'),
          handler: `lambda_function.${handler}`,
          runtime: `python${minor}`,
          event: Buffer.from(JSON.stringify({ port: beats.port, tag })),
          timeoutSeconds,
          memoryMb: 128,
          functionName: 'daemons',
          isolation: iso,
        });

      it(`${name}: a setsid daemon is gone when the invoke returns and when it times out`, async (t) => {
        const iso = isolation();
        if (!iso) return t.skip(`${name} is not available on this machine`);
        const tag = newTag();
        const r = await run('returns', tag, 10, iso);
        assert.equal(Buffer.from(r.payload).toString(), '"started"', r.log);
        assert.ok(await beats.stoppedWithin(tag, 1000), 'the daemon still sends heartbeats after the invoke returned');
        assert.deepEqual(await processesTagged(tag), []);
        assert.doesNotMatch(r.log, /SANDBOX_WARNING/);

        const slow = newTag();
        const timedOut = await run('hangs', slow, 1, iso);
        assert.match(Buffer.from(timedOut.payload).toString(), /Task timed out/);
        assert.ok(await beats.stoppedWithin(slow, 1000), 'the daemon still sends heartbeats after the timeout');
        assert.deepEqual(await processesTagged(slow), []);
      });
    }

    it('in the endpoint a daemon lives as long as its warm environment, and ends when the environment is retired or the endpoint closes', async () => {
      const sb = await withSandbox({ updateDelayMs: 5 });
      try {
        const c = sb.client();
        await createActiveFunction(c, {
          FunctionName: 'starts',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.returns',
          Code: { ZipFile: handlerZip(HANDLER) },
          Timeout: 10,
        });
        const tag = newTag();
        await c.send(
          new InvokeCommand({
            FunctionName: 'starts',
            Payload: Buffer.from(JSON.stringify({ port: beats.port, tag })),
          }),
        );
        await beats.connected(tag);
        assert.equal(
          await beats.stoppedWithin(tag, 300),
          false,
          'the daemon ended with the invocation, though its environment is warm',
        );
        // A configuration change retires the environment, and the daemon with it.
        await c.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'starts', Description: 'changed' }));
        await waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10 }, { FunctionName: 'starts' });
        const second = newTag();
        await c.send(
          new InvokeCommand({
            FunctionName: 'starts',
            Payload: Buffer.from(JSON.stringify({ port: beats.port, tag: second })),
          }),
        );
        assert.ok(await beats.stoppedWithin(tag, 2000), 'the daemon outlived its retired environment');
        assert.deepEqual(await processesTagged(tag), []);
        // Closing the endpoint kills the idle environments too.
        await beats.connected(second);
        await sb.close();
        assert.ok(await beats.stoppedWithin(second, 1000), 'the daemon of an idle environment outlived the endpoint');
        assert.deepEqual(await processesTagged(second), []);
      } finally {
        await sb.close();
      }
    });

    it('the endpoint closing ends the daemons of invocations still running', async () => {
      const sb = await withSandbox({ updateDelayMs: 5 });
      try {
        const c = sb.client();
        await createActiveFunction(c, {
          FunctionName: 'hangs',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.hangs',
          Code: { ZipFile: handlerZip(HANDLER) },
          Timeout: 60,
        });
        const tag = newTag();
        await c.send(
          new InvokeCommand({
            FunctionName: 'hangs',
            InvocationType: 'Event',
            Payload: Buffer.from(JSON.stringify({ port: beats.port, tag })),
          }),
        );
        await beats.connected(tag);
        await sb.close();
        assert.ok(await beats.stoppedWithin(tag, 1000), 'the daemon outlived the endpoint');
        assert.deepEqual(await processesTagged(tag), []);
      } finally {
        await sb.close();
      }
    });
  },
);
