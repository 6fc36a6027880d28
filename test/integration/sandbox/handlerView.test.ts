// What a handler can see and change: only what Lambda shows it (inside bubblewrap, where it works here),
// and never another function's extracted code.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { hostIsolation } from '../../../src/sandbox/runtime/isolation';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const SNOOP = `
import os

def handler(event, context):
    data = event["dataDir"]
    try:
        open("/var/task/planted.py", "w").close()
        write = "written"
    except OSError as e:
        write = type(e).__name__
    return {
        "env": dict(os.environ),
        "cwd": os.getcwd(),
        "sees_data": os.path.exists(data),
        "write_task": write,
        "root": sorted(os.listdir("/")),
        "pids": len([p for p in os.listdir("/proc") if p.isdigit()]),
    }
`;

describe('what a handler sees', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const invoke = async (name: string, event: unknown = {}) => {
    const r = await c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(JSON.stringify(event)) }));
    return JSON.parse(Buffer.from(r.Payload!).toString()) as Record<string, unknown>;
  };

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    await createActiveFunction(c, {
      FunctionName: 'snoop',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip(SNOOP) },
    });
    const victim = 'def handler(event, context):\n    return "original"\n';
    await createActiveFunction(c, {
      FunctionName: 'victim',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip(victim) },
    });
  });
  after(() => sb.close());

  it('gets its parameters without any in the environment, and inside bubblewrap no path of the data folder', async (t) => {
    const out = await invoke('snoop', { dataDir: sb.dataDir });
    const env = out.env as Record<string, string>;
    assert.deepEqual(
      Object.keys(env).filter((k) => k.startsWith('_SANDBOX')),
      [],
    );
    if (!(await hostIsolation()).bwrap)
      return t.skip('bubblewrap does not work here: handlers are not isolated (the endpoint says so in its log)');
    assert.deepEqual(
      Object.entries(env).filter(([, v]) => v.includes(sb.dataDir)),
      [],
    );
    assert.equal(env.LAMBDA_TASK_ROOT, '/var/task');
    assert.equal(out.cwd, '/var/task');
    assert.equal(env.LD_LIBRARY_PATH, '/var/task:/var/task/lib:/opt/lib');
    assert.equal(out.sees_data, false, "the endpoint's data folder is visible to the handler");
    assert.equal(out.write_task, 'OSError', '/var/task must be read-only'); // EROFS
    for (const hidden of ['home', 'mnt', 'srv', 'work'])
      assert.ok(!(out.root as string[]).includes(hidden), `/${hidden} is visible`);
    assert.ok((out.pids as number) < 10, `the handler sees ${out.pids as number} processes`);
  });

  it('cannot make another function run changed code: a changed cache folder is extracted again', async () => {
    assert.equal(await invoke('victim'), 'original');
    const taskRoot = join(sb.dataDir, 'cache', 'task');
    for (const name of await fs.readdir(taskRoot)) {
      const file = join(taskRoot, name, 'lambda_function.py');
      if (!(await fs.readFile(file, 'utf8')).includes('original')) continue;
      await fs.chmod(file, 0o644);
      await fs.writeFile(file, 'def handler(event, context):\n    return "attacker"\n');
    }
    assert.equal(await invoke('victim'), 'original');
  });
});
