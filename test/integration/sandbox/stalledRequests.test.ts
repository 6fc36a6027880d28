// A signed client that stops sending in the middle of a body: the endpoint must not hold the connection (and the
// bytes it buffered) forever, and keeps serving others.
import { describe, it, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request } from 'node:http';
import { startSandbox, type Sandbox } from '../../../src/sandbox/server';
import { TEST_CREDENTIALS } from '../../helpers/sandbox';
import { sendSigned, signedHeaders } from '../../helpers/sigv4';

describe('a request body that stops arriving', () => {
  let sandbox: Sandbox;
  let dataDir: string;
  before(async () => {
    dataDir = await fs.mkdtemp(join(tmpdir(), 'sandbox-stall-'));
    sandbox = await startSandbox({ dataDir, secretAccessKey: TEST_CREDENTIALS.secretAccessKey, bodyIdleMs: 300 });
  });
  after(async () => {
    await sandbox.close();
    await fs.rm(dataDir, { recursive: true, force: true });
  });

  it('is cut off after the idle time, and the endpoint still answers', async () => {
    const path = '/2015-03-31/functions';
    const body = Buffer.alloc(1000, 0x20);
    const r = { method: 'POST', path, headers: { 'content-length': '1000' }, body };
    const headers = await signedHeaders(sandbox.url, r, TEST_CREDENTIALS);
    const started = Date.now();
    const closed = await new Promise<number>((resolve) => {
      const req = request(`${sandbox.url}${path}`, { method: 'POST', headers });
      req.on('error', () => {});
      req.on('close', () => resolve(Date.now() - started));
      req.write(body.subarray(0, 10));
      // Never ends: without an idle limit this waits for the test's own timeout.
      setTimeout(() => req.destroy(), 20_000).unref();
    });
    assert.ok(closed < 10_000, `closed after ${closed} ms`);
    const list = await sendSigned(sandbox.url, { method: 'GET', path: '/2015-03-31/functions' }, TEST_CREDENTIALS);
    assert.equal(list.status, 200);
  });
});
