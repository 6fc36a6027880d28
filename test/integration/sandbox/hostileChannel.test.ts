// Handlers that write to the runtime's control channel (fd 3): each ends its own invocation, never the endpoint.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const json = (b: Uint8Array | undefined) => JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;
const tail = (r: { LogResult?: string }) => Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');

const HOSTILE = `
import os, time

def slow(event, context):
    time.sleep(1.5)
    return "slow ok"

def garbage(event, context):
    os.write(3, b"this is not json\\n")
    return 1

def null_error(event, context):
    os.write(3, b'{"type":"error","len":4}\\nnull')
    return 1

def text_error(event, context):
    body = b"Traceback: not json"
    os.write(3, b'{"type":"error","len":%d}\\n' % len(body) + body)
    return 1

def huge_len(event, context):
    os.write(3, b'{"type":"result","len":99999999999999}\\n')
    return 1

def negative_len(event, context):
    os.write(3, b'{"type":"result","len":-1}\\n')
    return 1

def endless_header(event, context):
    while True:
        os.write(3, b"x" * 65536)

def after_outcome(event, context):
    os.write(3, b'{"type":"result","len":2}\\n{}')
    return 1

def binary(event, context):
    os.write(3, bytes(range(256)) * 8)
    return 1
`;

const CASES: Array<[string, RegExp]> = [
  ['garbage', /header line is not JSON/],
  ['null_error', /error record whose body is not a JSON object/],
  ['text_error', /error record whose body is not a JSON object/],
  ['huge_len', /truncated record/],
  ['negative_len', /invalid payload length -1/],
  ['endless_header', /header line longer than 4096 bytes/],
  ['after_outcome', /result record after the outcome/],
  ['binary', /header|not JSON|truncated/],
];

describe('a handler writing garbage to the control channel', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const invoke = (name: string) => c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), LogType: 'Tail' }));

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    const code = handlerZip(HOSTILE);
    for (const name of ['slow', ...CASES.map(([n]) => n)]) {
      await createActiveFunction(c, { FunctionName: name, Runtime: 'python3.12', Role: TEST_ROLE, Handler: `lambda_function.${name}`, Code: { ZipFile: code }, Timeout: 20 });
    }
  });
  after(() => sb.close());

  it('ends only its own invocation with Runtime.ExitError while another invoke in flight succeeds', async () => {
    const slow = invoke('slow');
    const hostile = await Promise.all(CASES.map(([name]) => invoke(name)));
    for (const [i, [name, reason]] of CASES.entries()) {
      const r = hostile[i];
      assert.equal(r.StatusCode, 200, name);
      assert.equal(r.FunctionError, 'Unhandled', name);
      const err = json(r.Payload);
      assert.equal(err.errorType, 'Runtime.ExitError', name);
      assert.match(err.errorMessage as string, /invalid message on the runtime's control channel \(fd 3\)/, name);
      assert.match(err.errorMessage as string, reason, name);
      assert.match(tail(r), /control channel/, name);
      assert.match(tail(r), /REPORT .*Status: error\tError Type: Runtime.ExitError/, name);
    }
    const s = await slow;
    assert.equal(s.FunctionError, undefined);
    assert.equal(Buffer.from(s.Payload!).toString(), '"slow ok"');
    // The endpoint is still serving: the API answers and a well-behaved handler still runs.
    assert.ok(((await c.send(new ListFunctionsCommand({}))).Functions ?? []).length >= CASES.length);
    assert.equal(Buffer.from((await invoke('slow')).Payload!).toString(), '"slow ok"');
  });
});
