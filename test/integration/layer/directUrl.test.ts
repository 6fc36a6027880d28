import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { readFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readZip } from '../../fixtures/zipRead';
import { makeWheel } from '../../fixtures/wheels';
import { workspace, type Workspace } from './setup';

let ws: Workspace;
let server: Server;
let url: string;
before(async () => {
  ws = await workspace();
  // A direct URL reference (`name @ https://…/x.whl`): served from here, as no index is reachable.
  const wheel = await makeWheel({ name: 'direct', version: '1.0', files: { 'direct/__init__.py': 'X = "é"\n' } });
  server = createServer((req, res) => {
    if (req.url !== `/files/${wheel.fileName}`) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(wheel.data);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/files/${wheel.fileName}`;
});
after(async () => {
  server.close();
  await ws.dispose();
});

test('a direct URL requirement gets the direct_url.json pip -t writes, listed in RECORD; a package from the index gets none', async () => {
  const req = await ws.requirements([`direct @ ${url}`, 'purepkg']);
  const built = await ws.build(req, 'python3.12', 'x86_64', { name: 'direct' });
  const entries = await readZip(built.zipPath);
  const data = (f: string) => entries.find((e) => e.name === `python/${f}`)?.data.toString();
  const pip = join(ws.dir, 'pip-t');
  // Not execFileSync: this process serves the wheel.
  await promisify(execFile)('python3', ['-m', 'pip', 'install', '-q', '--no-compile', '-t', pip, '-r', req], {
    env: ws.env,
  });
  for (const f of ['direct-1.0.dist-info/direct_url.json', 'direct-1.0.dist-info/RECORD'])
    assert.equal(data(f), await readFile(join(pip, f), 'utf8'), f);
  assert.equal(data('purepkg-1.2.0.dist-info/direct_url.json'), undefined);
});
