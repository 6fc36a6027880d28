// Python handlers and events that push the runtime's limits: each gets the answer Lambda gives, and the environment
// keeps serving (neither is a protocol violation). What hostileChannel.test.ts covers (writes to the channel) is not
// repeated here.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const SOURCE = `
def huge_error(event, context):
    raise ValueError("m" * 10_000_000)

def echo(event, context):
    return event
`;

const json = (b: Uint8Array | undefined) =>
  JSON.parse(Buffer.from(b ?? []).toString('utf8')) as Record<string, unknown>;

describe('Python handlers at the runtime limits', () => {
  let sb: TestSandbox;
  let c: LambdaClient;
  const invoke = (name: string, payload = '{}') =>
    c.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(payload), LogType: 'Tail' }));

  before(async () => {
    sb = await withSandbox({ updateDelayMs: 5 });
    c = sb.client();
    for (const name of ['huge_error', 'echo']) {
      await createActiveFunction(c, {
        FunctionName: name,
        Runtime: 'python3.12',
        Role: TEST_ROLE,
        Handler: `lambda_function.${name}`,
        Code: { ZipFile: handlerZip(SOURCE) },
        Timeout: 20,
      });
    }
  });
  after(() => sb.close());

  it('an exception whose error document is over 6 MB is Function.ResponseSizeTooLarge, as an oversized result', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await invoke('huge_error');
      assert.equal(r.FunctionError, 'Unhandled');
      assert.deepEqual(json(r.Payload), {
        errorType: 'Function.ResponseSizeTooLarge',
        errorMessage: 'Response payload size exceeded maximum allowed payload size (6291556 bytes).',
      });
      assert.doesNotMatch(Buffer.from(r.LogResult ?? '', 'base64').toString(), /control channel/);
    }
  });

  it('an event nested deeper than Python can parse is Runtime.UnmarshalError, and the environment serves on', async () => {
    const depth = 100_000;
    const r = await invoke('echo', '['.repeat(depth) + ']'.repeat(depth));
    assert.equal(r.FunctionError, 'Unhandled');
    const err = json(r.Payload);
    assert.equal(err.errorType, 'Runtime.UnmarshalError');
    assert.match(err.errorMessage as string, /^Unable to unmarshal input: maximum recursion depth exceeded/);
    assert.deepEqual(err.stackTrace, []);
    const next = await invoke('echo', '{"a":1}');
    assert.equal(next.FunctionError, undefined);
    assert.deepEqual(json(next.Payload), { a: 1 });
  });
});
