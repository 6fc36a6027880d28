// Warm execution environments as Lambda keeps them: reuse, concurrency, retirement, memory size and reserved
// concurrency, through the SDK against the endpoint.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  DeleteFunctionConcurrencyCommand,
  GetFunctionCommand,
  GetFunctionConcurrencyCommand,
  InvokeCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
  waitUntilFunctionUpdatedV2,
  LambdaClient,
} from '@aws-sdk/client-lambda';
import { hostIsolation } from '../../../src/sandbox/runtime/isolation';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

// Globals survive between invocations of one environment; ENV tells environments apart (inside bubblewrap
// every environment's interpreter has the same pid).
const HANDLER = `
import os, threading, time

count = 0
ENV = os.urandom(8).hex()

def counter(event, context):
    global count
    count += 1
    time.sleep(event.get("sleep", 0))
    return {"count": count, "env": ENV, "greeting": os.environ.get("GREETING")}

def hangs(event, context):
    global count
    count += 1
    if event.get("hang"):
        time.sleep(60)
    return {"count": count}

def crashes(event, context):
    global count
    count += 1
    if event.get("crash"):
        os._exit(7)
    return {"count": count}

ticks = 0

def _tick():
    global ticks
    while True:
        ticks += 1
        time.sleep(0.01)

def ticker(event, context):
    if event.get("start"):
        threading.Thread(target=_tick, daemon=True).start()
    return {"ticks": ticks}

def hog(event, context):
    blocks = []
    for _ in range(event["mb"] // 16):
        blocks.append(b"x" * (16 * 1024 * 1024))
    return {"held": len(blocks) * 16}
`;

/** No retries: the SDK retries a throttled invoke, which would hide the 429 once the first invoke is done. */
const onceClient = (sb: TestSandbox) =>
  new LambdaClient({ endpoint: sb.url, region: 'us-east-1', credentials: sb.credentials, maxAttempts: 1 });
/**
 * Invokes `again` until it is refused while `slow` runs (it may start before `slow` is in flight, and then
 * succeeds); fails if `slow` ends first. Returns the refusal.
 */
interface Refusal {
  name: string;
  Reason?: string;
  message: string;
  $metadata: { httpStatusCode?: number };
}

async function refusedWhile(slow: Promise<unknown>, again: () => Promise<unknown>): Promise<Refusal> {
  let done = false;
  void slow.finally(() => (done = true));
  while (!done) {
    const refusal = await again().then(
      () => undefined,
      (e: Refusal) => e,
    );
    if (refusal) return refusal;
  }
  return assert.fail('no invoke was refused while the first one ran');
}

const body = (r: { Payload?: Uint8Array }) =>
  JSON.parse(Buffer.from(r.Payload ?? []).toString('utf8')) as Record<string, unknown>;
const tail = (r: { LogResult?: string }) => Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');
const report = (r: { LogResult?: string }) => /^REPORT .*$/m.exec(tail(r))?.[0] ?? '';

describe('warm execution environments', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const invoke = (name: string, event: object = {}) =>
    c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)), LogType: 'Tail' }));
  const create = (name: string, handler: string, extra: { Timeout?: number; MemorySize?: number } = {}) =>
    createActiveFunction(c, {
      FunctionName: name,
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: `lambda_function.${handler}`,
      Code: { ZipFile: handlerZip(HANDLER) },
      Timeout: 10,
      ...extra,
    });

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    c = onceClient(sb);
  });
  after(async () => {
    c.destroy();
    await sb.close();
  });

  it('two invokes in a row share the environment: globals survive and only the first REPORT has an Init Duration', async () => {
    await create('warm', 'counter');
    const first = await invoke('warm');
    const second = await invoke('warm');
    assert.equal(body(first).count, 1, tail(first));
    assert.equal(body(second).count, 2, tail(second));
    assert.equal(body(second).env, body(first).env);
    assert.match(report(first), /\tInit Duration: \d+\.\d\d ms\t/);
    assert.doesNotMatch(report(second), /Init Duration/);
    assert.match(tail(first), /^INIT_START /m);
    assert.doesNotMatch(tail(second), /INIT_START/);
    assert.match(tail(second), /^START RequestId: \S+ Version: \$LATEST\nEND RequestId: \S+\nREPORT /m);
  });

  it('a configuration change makes the next invoke cold, with the new configuration', async () => {
    await create('changes', 'counter');
    const before = await invoke('changes');
    await c.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'changes',
        Environment: { Variables: { GREETING: 'hi' } },
      }),
    );
    await waitUntilFunctionUpdatedV2({ client: c, maxWaitTime: 10 }, { FunctionName: 'changes' });
    const after = await invoke('changes');
    assert.equal(body(after).count, 1, 'the old environment (count 1 already) was reused');
    assert.equal(body(after).greeting, 'hi');
    assert.notEqual(body(after).env, body(before).env);
    assert.match(report(after), /Init Duration/);
  });

  it('two concurrent invokes get two environments, and both stay warm', async () => {
    await create('parallel', 'counter');
    const [a, b] = await Promise.all([invoke('parallel', { sleep: 0.5 }), invoke('parallel', { sleep: 0.5 })]);
    assert.notEqual(body(a).env, body(b).env);
    assert.deepEqual([body(a).count, body(b).count], [1, 1]);
    assert.match(report(a), /Init Duration/);
    assert.match(report(b), /Init Duration/);
    const [x, y] = await Promise.all([invoke('parallel', { sleep: 0.5 }), invoke('parallel', { sleep: 0.5 })]);
    assert.deepEqual(new Set([body(x).env, body(y).env]), new Set([body(a).env, body(b).env]));
    assert.deepEqual([body(x).count, body(y).count], [2, 2]);
  });

  it('a timeout retires the environment: the next invoke starts cold', async () => {
    await create('timeout', 'hangs', { Timeout: 1 });
    assert.equal(body(await invoke('timeout')).count, 1);
    const timedOut = await invoke('timeout', { hang: true });
    assert.equal(timedOut.FunctionError, 'Unhandled');
    assert.match(body(timedOut).errorMessage as string, /Task timed out after 1\.00 seconds/);
    const next = await invoke('timeout');
    assert.equal(next.FunctionError, undefined, tail(next));
    assert.equal(body(next).count, 1);
    assert.match(report(next), /Init Duration/);
  });

  it('a crash retires the environment: the next invoke starts cold', async () => {
    await create('crash', 'crashes');
    assert.equal(body(await invoke('crash')).count, 1);
    const crashed = await invoke('crash', { crash: true });
    assert.equal(body(crashed).errorType, 'Runtime.ExitError');
    assert.match(body(crashed).errorMessage as string, /Runtime exited with error: exit status 7/);
    const next = await invoke('crash');
    assert.equal(body(next).count, 1, tail(next));
    assert.match(report(next), /Init Duration/);
  });

  it('an idle environment is frozen as on Lambda: its background thread runs only during invocations', async (t) => {
    if (!(await hostIsolation()).cgroupDir) return t.skip('no cgroup v2 to freeze environments with on this machine');
    await create('frozen', 'ticker');
    const first = body(await invoke('frozen', { start: true })).ticks as number;
    await new Promise((r) => setTimeout(r, 1000)); // unfrozen, the thread would tick about 100 times meanwhile
    const later = body(await invoke('frozen')).ticks as number;
    assert.ok(later - first < 40, `the thread ticked ${later - first} times while its environment was idle`);
  });

  it('memory size is enforced: past it the handler ends with Runtime.OutOfMemory and its environment is killed', async () => {
    await create('hog', 'hog', { MemorySize: 128 });
    const within = await invoke('hog', { mb: 32 });
    assert.equal(within.FunctionError, undefined, tail(within));
    const over = await invoke('hog', { mb: 1024 });
    assert.equal(over.FunctionError, 'Unhandled', tail(over));
    assert.equal(body(over).errorType, 'Runtime.OutOfMemory', tail(over));
    assert.match(
      body(over).errorMessage as string,
      /^RequestId: \S+ Error: Runtime exited with error: signal: killed$/,
    );
    assert.match(report(over), /\tMax Memory Used: 128 MB\t.*Status: error\tError Type: Runtime.OutOfMemory\t/);
    const next = await invoke('hog', { mb: 16 });
    assert.equal(next.FunctionError, undefined, tail(next));
    assert.match(report(next), /Init Duration/, 'the killed environment was reused');
  });

  it('reserved concurrency: stored, reported, and invocations past it are throttled as on AWS', async () => {
    await create('reserved', 'counter');
    assert.deepEqual(
      (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
      undefined,
    );
    const put = await c.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 1 }),
    );
    assert.equal(put.ReservedConcurrentExecutions, 1);
    assert.equal(
      (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
      1,
    );
    assert.deepEqual((await c.send(new GetFunctionCommand({ FunctionName: 'reserved' }))).Concurrency, {
      ReservedConcurrentExecutions: 1,
    });

    const slow = invoke('reserved', { sleep: 3 });
    const err = await refusedWhile(slow, () => invoke('reserved'));
    assert.equal(err.name, 'TooManyRequestsException');
    assert.equal(err.$metadata.httpStatusCode, 429);
    assert.equal(err.Reason, 'ReservedFunctionConcurrentInvocationLimitExceeded');
    assert.equal(err.message, 'Rate Exceeded.');
    assert.equal((await slow).FunctionError, undefined);

    await c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 0 }));
    await assert.rejects(invoke('reserved'), { name: 'TooManyRequestsException' });
    await assert.rejects(
      c.send(new PutFunctionConcurrencyCommand({ FunctionName: 'reserved', ReservedConcurrentExecutions: 901 })),
      { name: 'InvalidParameterValueException', message: /below its minimum value of \[100\]/ },
    );
    await c.send(new DeleteFunctionConcurrencyCommand({ FunctionName: 'reserved' }));
    assert.equal(
      (await c.send(new GetFunctionConcurrencyCommand({ FunctionName: 'reserved' }))).ReservedConcurrentExecutions,
      undefined,
    );
    assert.equal((await invoke('reserved')).FunctionError, undefined);
  });
});

describe('the environment pool limits', () => {
  it('retires an environment idle past the idle period, and throttles when every environment is busy', async () => {
    const sb = await withSandbox({ updateDelayMs: 5, environments: { idleMs: 300, maxEnvironments: 1 } });
    const c = onceClient(sb);
    try {
      await createActiveFunction(c, {
        FunctionName: 'idle',
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.counter',
        Code: { ZipFile: handlerZip(HANDLER) },
      });
      const invoke = (event: object = {}) =>
        c.send(new InvokeCommand({ FunctionName: 'idle', Payload: Buffer.from(JSON.stringify(event)) }));
      assert.equal(body(await invoke()).count, 1);
      assert.equal(body(await invoke()).count, 2);
      await new Promise((r) => setTimeout(r, 800));
      assert.equal(body(await invoke()).count, 1, 'the idle environment was not retired');

      const slow = invoke({ sleep: 3 });
      const err = await refusedWhile(slow, () => invoke());
      assert.deepEqual([err.name, err.Reason], ['TooManyRequestsException', 'ConcurrentInvocationLimitExceeded']);
      await slow;
    } finally {
      c.destroy();
      await sb.close();
    }
  });
});
