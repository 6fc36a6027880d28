// Handlers that write to the runtime's control channel (the bootstrap's private copy of its stdout): each ends its own
// environment, never the endpoint. Each function's first invocation is its environment's invocation 1.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, ListFunctionsCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const json = (b: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;
const tail = (r: { LogResult?: string }) => Buffer.from(r.LogResult ?? '', 'base64').toString('utf8');

const HOSTILE = `
import os, time
import __main__

CH = __main__.CHANNEL_FD

def slow(event, context):
    time.sleep(1.5)
    return "slow ok"

def garbage(event, context):
    os.write(CH, b"this is not json\\n")
    return 1

def null_error(event, context):
    os.write(CH, b'{"type":"error","seq":1,"len":4}\\nnull')
    return 1

def text_error(event, context):
    body = b"Traceback: not json"
    os.write(CH, b'{"type":"error","seq":1,"len":%d}\\n' % len(body) + body)
    return 1

def huge_len(event, context):
    os.write(CH, b'{"type":"result","seq":1,"len":99999999999999}\\n')
    return 1

def negative_len(event, context):
    os.write(CH, b'{"type":"result","len":-1}\\n')
    return 1

def endless_header(event, context):
    while True:
        os.write(CH, b"x" * 65536)

def forged_outcome(event, context):
    os.write(CH, b'{"type":"result","len":2}\\n{}')
    return 1

def binary(event, context):
    os.write(CH, bytes(range(256)) * 8)
    return 1
`;

const CASES: Array<[string, RegExp]> = [
  ['garbage', /header line is not JSON/],
  ['null_error', /error record whose body is not a JSON object/],
  ['text_error', /error record whose body is not a JSON object/],
  ['huge_len', /no outcome followed the end of the invocation's log/],
  ['negative_len', /invalid payload length -1/],
  ['endless_header', /header line longer than 4096 bytes/],
  ['forged_outcome', /result record for invocation \(none\) while invocation 1 is running/],
  ['binary', /header|not JSON|truncated/],
];

describe('a handler writing garbage to the control channel', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const invoke = (name: string) =>
    c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from('{}'), LogType: 'Tail' }));

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    const code = handlerZip(HOSTILE);
    for (const name of ['slow', ...CASES.map(([n]) => n)]) {
      await createActiveFunction(c, {
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: `lambda_function.${name}`,
        Code: { ZipFile: code },
        Timeout: 20,
      });
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
      assert.match(err.errorMessage as string, /invalid message on the runtime's control channel: /, name);
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
