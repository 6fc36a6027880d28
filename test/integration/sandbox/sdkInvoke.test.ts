import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaServiceException,
  PublishLayerVersionCommand,
  waitUntilFunctionActiveV2,
  type CreateFunctionCommandInput,
  type InvokeCommandInput,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import {
  TEST_ROLE,
  handlerZip,
  makeZip,
  pythonPackageLayer,
  withFrozenSandbox,
  withSandbox,
  type TestSandbox,
} from '../../helpers/sandbox';

const json = (b: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;
const tail = (r: { LogResult?: string }) => Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');

const VERSION_HANDLER = `
import importlib.metadata
import mypkg

def handler(event, context):
    return {"metadata": importlib.metadata.version("mypkg"), "module": mypkg.__version__, "which": mypkg.which()}
`;

describe('Invoke over the AWS SDK (python3 handlers)', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const deploy = async (name: string, source: string, extra: Partial<CreateFunctionCommandInput> = {}) => {
    await c.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: 'lambda_function.handler',
        Code: { ZipFile: handlerZip(source) },
        ...extra,
      }),
    );
    await waitUntilFunctionActiveV2({ client: c, maxWaitTime: 10, minDelay: 0.05, maxDelay: 0.2 } as never, {
      FunctionName: name,
    });
  };
  const invoke = (name: string, input: Partial<InvokeCommandInput> = {}) =>
    c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), LogType: 'Tail', ...input }));

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 20 });
    c = sb.client();
  });
  after(() => sb.close());

  it('imports a package from a layer and reads its dist-info metadata', async () => {
    const layer = await c.send(
      new PublishLayerVersionCommand({
        LayerName: 'mypkg',
        Content: {
          ZipFile: pythonPackageLayer('mypkg', '1.2.3', [
            { name: 'python/mypkg/extra.py', data: 'def which():\n    return "layer"\n' },
          ]),
        },
      }),
    );
    const source = VERSION_HANDLER.replace('mypkg.which()', '__import__("mypkg.extra").extra.which()');
    await deploy('uses-layer', source, { Layers: [layer.LayerVersionArn!] });
    const r = await invoke('uses-layer');
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, undefined);
    assert.equal(r.ExecutedVersion, '$LATEST');
    assert.deepEqual(json(r.Payload), { metadata: '1.2.3', module: '1.2.3', which: 'layer' });
  });

  it('merges two layers in order: the later one overrides a file', async () => {
    const zipWith = (version: string, which: string) =>
      makeZip([
        { name: 'python/mypkg/__init__.py', data: `__version__ = "${version}"\ndef which():\n    return "${which}"\n` },
        {
          name: `python/mypkg-${version}.dist-info/METADATA`,
          data: `Metadata-Version: 2.1\nName: mypkg\nVersion: ${version}\n`,
        },
      ]);
    const first = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'first', Content: { ZipFile: zipWith('1.0.0', 'first') } }),
    );
    const second = await c.send(
      new PublishLayerVersionCommand({ LayerName: 'second', Content: { ZipFile: zipWith('2.0.0', 'second') } }),
    );
    await deploy('two-layers', VERSION_HANDLER, { Layers: [first.LayerVersionArn!, second.LayerVersionArn!] });
    const r = await invoke('two-layers');
    const out = json(r.Payload);
    assert.equal(out.module, '2.0.0');
    assert.equal(out.which, 'second');
    // Both dist-info folders are in /opt/python now; importlib.metadata answers with one of them, as on Lambda.
    assert.ok(['1.0.0', '2.0.0'].includes(out.metadata as string));
  });

  it('gives the handler the Lambda context, environment and paths', async () => {
    const source = `
import os, sys
def handler(event, context):
    return {
        "event": event,
        "function_name": context.function_name,
        "memory": context.memory_limit_in_mb,
        "arn": context.invoked_function_arn,
        "request_id": context.aws_request_id,
        "remaining": context.get_remaining_time_in_millis(),
        "log_group": context.log_group_name,
        "env": {k: os.environ.get(k) for k in ["AWS_LAMBDA_FUNCTION_NAME", "AWS_REGION", "_HANDLER", "AWS_EXECUTION_ENV", "MY_VAR", "AWS_LAMBDA_FUNCTION_VERSION"]},
        "task_is_cwd": os.environ["LAMBDA_TASK_ROOT"] == os.getcwd(),
        "path0_is_task": sys.path[0] == os.environ["LAMBDA_TASK_ROOT"],
        "opt_paths_ok": sys.path[1].endswith("/python/lib/python3.12/site-packages") and sys.path[2] == sys.path[1].rsplit("/lib/", 1)[0],
        "opt_bin_on_path": os.environ["PATH"].endswith("/bin"),
    }
`;
    await deploy('context', source, { MemorySize: 256, Timeout: 7, Environment: { Variables: { MY_VAR: 'hello' } } });
    const r = await invoke('context', { Payload: Buffer.from('{"k": [1, 2]}') });
    const out = json(r.Payload);
    assert.deepEqual(out.event, { k: [1, 2] });
    assert.equal(out.function_name, 'context');
    assert.equal(out.memory, '256');
    assert.equal(out.arn, 'arn:aws:lambda:us-east-1:123456789012:function:context');
    assert.equal(out.request_id, r.$metadata.requestId);
    assert.ok((out.remaining as number) > 5000 && (out.remaining as number) <= 7000);
    assert.equal(out.log_group, '/aws/lambda/context');
    assert.deepEqual(out.env, {
      AWS_LAMBDA_FUNCTION_NAME: 'context',
      AWS_REGION: 'us-east-1',
      _HANDLER: 'lambda_function.handler',
      AWS_EXECUTION_ENV: 'AWS_Lambda_python3.12',
      MY_VAR: 'hello',
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
    });
    assert.equal(out.task_is_cwd, true);
    assert.equal(out.path0_is_task, true);
    assert.equal(out.opt_paths_ok, true);
    assert.equal(out.opt_bin_on_path, true);
  });

  it('writes START/END/REPORT with Init Duration and returns the last 4 KB as LogResult', async () => {
    await deploy('chatty', 'def handler(event, context):\n    print("x" * 9000)\n    print("done")\n    return None\n');
    const r = await invoke('chatty');
    assert.equal(Buffer.from(r.Payload!).toString(), 'null');
    const log = tail(r);
    assert.ok(Buffer.byteLength(log) <= 4096);
    assert.match(
      log,
      /done\nEND RequestId: [0-9a-f-]{36}\nREPORT RequestId: [0-9a-f-]{36}\tDuration: \d+\.\d\d ms\tBilled Duration: \d+ ms\tMemory Size: 128 MB\tMax Memory Used: \d+ MB\tInit Duration: \d+\.\d\d ms\t/,
    );

    await deploy('quiet', 'def handler(event, context):\n    print("hi")\n    return 1\n');
    const q = tail(await invoke('quiet'));
    assert.match(q, /START RequestId: [0-9a-f-]{36} Version: \$LATEST\nhi\nEND RequestId/);
    const none = await invoke('quiet', { LogType: 'None' });
    assert.equal(none.LogResult, undefined);
  });

  it('reports a raised exception as Unhandled with type, message and stack trace', async () => {
    await deploy('raises', 'def handler(event, context):\n    raise ValueError("bad input")\n');
    const r = await invoke('raises');
    assert.equal(r.StatusCode, 200);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = json(r.Payload);
    assert.equal(err.errorType, 'ValueError');
    assert.equal(err.errorMessage, 'bad input');
    assert.equal(err.requestId, r.$metadata.requestId);
    assert.match((err.stackTrace as string[])[0], /lambda_function\.py", line 2, in handler/);
    assert.match(tail(r), /\[ERROR\] ValueError: bad input\nTraceback \(most recent call last\):/);
  });

  it('reports load errors with the Runtime.* types the Python runtime uses', async () => {
    await deploy('missing-module', 'import not_installed_anywhere\ndef handler(e, c):\n    pass\n');
    let r = await invoke('missing-module');
    assert.equal(r.FunctionError, 'Unhandled');
    assert.deepEqual(json(r.Payload), {
      errorMessage: "Unable to import module 'lambda_function': No module named 'not_installed_anywhere'",
      errorType: 'Runtime.ImportModuleError',
      requestId: '',
      stackTrace: [],
    });
    assert.match(tail(r), /\[ERROR\] Runtime.ImportModuleError: Unable to import module 'lambda_function'/);

    await deploy('no-handler', 'def other(e, c):\n    pass\n');
    r = await invoke('no-handler');
    assert.equal(json(r.Payload).errorType, 'Runtime.HandlerNotFound');
    assert.equal(json(r.Payload).errorMessage, "Handler 'handler' missing on module 'lambda_function'");

    await deploy('syntax', 'def handler(e, c)\n    return 1\n');
    r = await invoke('syntax');
    assert.equal(json(r.Payload).errorType, 'Runtime.UserCodeSyntaxError');
    assert.match(json(r.Payload).errorMessage as string, /^Syntax error in module 'lambda_function': /);

    await deploy('malformed', 'x = 1\n', { Handler: 'nodot' });
    r = await invoke('malformed');
    assert.equal(json(r.Payload).errorType, 'Runtime.MalformedHandlerName');
  });

  it('times out: Sandbox.Timedout after the configured seconds, process tree killed', async () => {
    const source = `
import subprocess, time
def handler(event, context):
    subprocess.Popen(["sleep", "30"])
    time.sleep(30)
`;
    await deploy('slow', source, { Timeout: 1 });
    const started = Date.now();
    const r = await invoke('slow');
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 1000 && elapsed < 10_000, `took ${elapsed} ms`);
    assert.equal(r.FunctionError, 'Unhandled');
    const err = json(r.Payload);
    assert.equal(err.errorType, 'Sandbox.Timedout');
    assert.match(err.errorMessage as string, /Task timed out after 1\.00 seconds$/);
    assert.match(tail(r), /Task timed out after 1\.00 seconds\nEND RequestId: .*\nREPORT .*Status: timeout/);
  });

  it('answers Event with 202 and DryRun with 204, both with empty bodies', async () => {
    await deploy('async', 'def handler(e, c):\n    return 1\n');
    const ev = await invoke('async', { InvocationType: 'Event' });
    assert.equal(ev.StatusCode, 202);
    assert.equal(ev.Payload?.length ?? 0, 0);
    const dry = await invoke('async', { InvocationType: 'DryRun' });
    assert.equal(dry.StatusCode, 204);
    assert.equal(dry.Payload?.length ?? 0, 0);
  });

  it('rejects a non-JSON payload (400), an unknown function (404) and a Pending one (409)', async () => {
    await deploy('echo', 'def handler(e, c):\n    return e\n');
    await assert.rejects(invoke('echo', { Payload: Buffer.from('not json') }), (e: LambdaServiceException) => {
      assert.equal(e.name, 'InvalidRequestContentException');
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.match(e.message, /^Could not parse request body into json/);
      return true;
    });
    await assert.rejects(invoke('ghost'), (e: LambdaServiceException) => {
      assert.equal(e.name, 'ResourceNotFoundException');
      assert.equal(e.$metadata.httpStatusCode, 404);
      assert.equal(e.message, 'Function not found: arn:aws:lambda:us-east-1:123456789012:function:ghost:$LATEST');
      return true;
    });
    assert.deepEqual(json((await invoke('echo', { Payload: new Uint8Array() })).Payload), {});
    const frozen = await withFrozenSandbox();
    try {
      const fc = frozen.client();
      await fc.send(
        new CreateFunctionCommand({
          FunctionName: 'pending',
          Runtime: 'python3.12',
          Role: TEST_ROLE,
          Handler: 'lambda_function.handler',
          Code: { ZipFile: handlerZip('') },
        }),
      );
      await assert.rejects(fc.send(new InvokeCommand({ FunctionName: 'pending' })), (e: LambdaServiceException) => {
        assert.equal(e.name, 'ResourceConflictException');
        assert.equal(e.$metadata.httpStatusCode, 409);
        assert.equal(
          e.message,
          'The operation cannot be performed at this time. The function is currently in the following state: Pending',
        );
        return true;
      });
    } finally {
      await frozen.close();
    }
  });
});
