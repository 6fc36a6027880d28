import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const ACCOUNT = '123456789012';
const LAYER = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:deps:3`;
const OTHER = `arn:aws:lambda:us-east-1:${ACCOUNT}:layer:tools:1`;

/**
 * A Lambda stand-in that speaks just enough of the REST API for detach, and lets the test decide when each
 * answer goes out: the point is to press Ctrl+C at an exact moment of the exchange.
 */
async function stubLambda(hooks: { onRead?: (answer: () => void) => void; onUpdate?: () => void }) {
  const calls: string[] = [];
  let layers = [LAYER, OTHER];
  let status = 'Successful';
  const config = () => ({
    FunctionName: 'fn',
    FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:fn`,
    Runtime: 'python3.12',
    State: 'Active',
    LastUpdateStatus: status,
    RevisionId: `rev-${layers.length}`,
    Layers: layers.map((Arn) => ({ Arn, CodeSize: 1 })),
  });
  const send = (res: ServerResponse, body: unknown) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      calls.push(`${req.method} ${path}`);
      if (req.method === 'GET' && path === '/2015-03-31/functions/fn/configuration') {
        const answer = () => send(res, config());
        if (hooks.onRead && calls.filter((c) => c.startsWith('PUT')).length === 0) hooks.onRead(answer);
        else answer();
      } else if (req.method === 'PUT' && path === '/2015-03-31/functions/fn/configuration') {
        layers = (JSON.parse(body) as { Layers: string[] }).Layers;
        status = 'InProgress'; // and it stays so: the CLI keeps waiting until it is interrupted
        send(res, config());
        hooks.onUpdate?.();
      } else if (req.method === 'GET' && path === '/2015-03-31/functions/fn') {
        send(res, { Configuration: config() });
      } else {
        res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        res.end(JSON.stringify({ message: `not stubbed: ${req.method} ${path}` }));
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    layers: () => layers,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

function detach(url: string): { child: ChildProcess; done: Promise<{ code: number; stdout: string; stderr: string }> } {
  const child = spawn(
    process.execPath,
    [
      '--no-warnings',
      '--import',
      'tsx',
      'src/cli/main.ts',
      'detach',
      'fn',
      'deps',
      '--endpoint',
      url,
      '--region',
      'us-east-1',
    ],
    {
      cwd: process.cwd(),
      env: { ...process.env, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_PROFILE: '' },
    },
  );
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  return {
    child,
    done: new Promise((resolve) => child.on('close', (c) => resolve({ code: c ?? -1, stdout, stderr }))),
  };
}

test(
  'Ctrl+C after Lambda accepted the detach: reported as applied, with the new layer list, exit 0',
  { timeout: 60_000 },
  async () => {
    let run: ReturnType<typeof detach> | undefined;
    const lambda = await stubLambda({ onUpdate: () => setTimeout(() => run?.child.kill('SIGINT'), 200) });
    try {
      run = detach(lambda.url);
      const { code, stdout, stderr } = await run.done;
      assert.deepEqual(lambda.layers(), [OTHER], 'the change was applied');
      assert.equal(code, 0, stderr);
      assert.equal(stdout, `${OTHER}\n`);
      assert.match(stderr, /The change to fn was applied: Lambda had accepted it before the cancel/);
      assert.doesNotMatch(stderr, /Cancelled/);
    } finally {
      await lambda.close();
    }
  },
);

test(
  'Ctrl+C before the change is sent: "Cancelled, nothing changed", exit 130, no update call',
  { timeout: 60_000 },
  async () => {
    let run: ReturnType<typeof detach> | undefined;
    const lambda = await stubLambda({
      // The first read is answered only after the interrupt has arrived.
      onRead: (answer) => {
        run?.child.kill('SIGINT');
        setTimeout(answer, 300);
      },
    });
    try {
      run = detach(lambda.url);
      const { code, stdout, stderr } = await run.done;
      assert.equal(code, 130, stderr);
      assert.equal(stdout, '');
      assert.match(stderr, /^Cancelled, nothing changed\.$/m);
      assert.deepEqual(
        lambda.calls.filter((c) => c.startsWith('PUT')),
        [],
      );
      assert.deepEqual(lambda.layers(), [LAYER, OTHER]);
    } finally {
      await lambda.close();
    }
  },
);
