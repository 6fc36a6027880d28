// The attack from issue 11, in the real headless Chromium of the UI tests: pages the user might open (an HTML
// file on disk, a page from another loopback port, a DNS-rebound page) try to create a function and to run an
// existing one with what a page can send without the secret: "simple" fetches (text/plain, no-cors and cors),
// a preflighted fetch with a forged Authorization, and form posts. Nothing may be created, nothing may run.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InvokeCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import type { Browser, Page, Response } from 'playwright-core';
import { CHROMIUM, launchBrowser } from '../../vscode/lib/browser';
import { silentLog } from '../../../src/util/log';
import { TEST_ROLE, createActiveFunction, handlerZip, withSandbox, type TestSandbox } from '../../helpers/sandbox';

const REBOUND_HOST = 'rebound.test';

/** The attacker's page: every way a page can send a CreateFunction and an Invoke to `endpoint`. */
/** A handler that reports its run to the test's loopback listener: isolated handlers can write no file the test sees. */
const reporting = (port: number, what: string) =>
  `import socket\ndef handler(e, c):\n    socket.create_connection(("127.0.0.1", ${port})).sendall(b"${what} ran\\n")\n    return 1\n`;

function attackPage(endpoint: string, markerPort: number): string {
  const code = handlerZip(reporting(markerPort, 'planted')).toString('base64');
  const create = JSON.stringify({
    FunctionName: 'planted',
    Runtime: 'python3.12',
    Role: TEST_ROLE,
    Handler: 'lambda_function.handler',
    Code: { ZipFile: code },
  });
  return `<!doctype html><html><body><script>
const E = ${JSON.stringify(endpoint)};
const CREATE = ${JSON.stringify(create)};
const targets = [[E + '/2015-03-31/functions', CREATE], [E + '/2015-03-31/functions/victim/invocations', '{}']];
const settle = (p) => p.then(() => 'answered', (e) => 'error: ' + e.message);
function formPost(url, body, enctype, i) {
  return new Promise((resolve) => {
    const frame = document.createElement('iframe');
    frame.name = 'f' + i;
    frame.onload = () => resolve('loaded');
    document.body.appendChild(frame);
    const form = document.createElement('form');
    Object.assign(form, { method: 'POST', action: url, enctype, target: frame.name });
    const input = document.createElement('input');
    // text/plain forms send "name=value": a JSON body with a dangling field, the classic trick.
    input.name = body.slice(0, -1) + ', "x": "';
    input.value = '"}';
    form.appendChild(input);
    document.body.appendChild(form);
    form.submit();
  });
}
window.attack = async () => {
  const outcomes = [];
  let i = 0;
  for (const [url, body] of targets) {
    for (const mode of ['no-cors', 'cors']) {
      outcomes.push(await settle(fetch(url, { method: 'POST', mode, headers: { 'Content-Type': 'text/plain' }, body })));
    }
    outcomes.push(await settle(fetch(url, { method: 'POST', headers: { 'Content-Type': 'application/json', Authorization: 'AWS4-HMAC-SHA256 Credential=x/20260101/us-east-1/lambda/aws4_request, SignedHeaders=host, Signature=00' }, body })));
    for (const enctype of ['text/plain', 'application/x-www-form-urlencoded']) outcomes.push(await formPost(url, body, enctype, i++));
  }
  return outcomes;
};
window.readFunctions = () => settle(fetch(E + '/2015-03-31/functions/').then((r) => r.text()).then((t) => { window.leaked = t; }));
</script></body></html>`;
}

describe('web pages cannot reach the endpoint (real Chromium)', () => {
  let sb: TestSandbox;
  let browser: Browser | undefined;
  let pageServer: Server;
  let dir: string;
  let markerServer: NetServer;
  let markerPort: number;
  /** What handlers reported over the marker listener. */
  let ran = '';
  /** The endpoint's log lines for refused requests: what reached it (Chromium hides some answers from pages and tools). */
  const refusals: string[] = [];

  before(async () => {
    dir = await fs.mkdtemp(join(tmpdir(), 'sandbox-browser-'));
    markerServer = createNetServer((socket) => socket.on('data', (d: Buffer) => (ran += d.toString())));
    await new Promise<void>((resolve) => markerServer.listen(0, '127.0.0.1', resolve));
    markerPort = (markerServer.address() as AddressInfo).port;
    const log = { ...silentLog, info: (m: string) => void (m.startsWith('Refused') && refusals.push(m)) };
    sb = await withSandbox({ updateDelayMs: 1, log });
    const victim = reporting(markerPort, 'victim');
    await createActiveFunction(sb.client(), {
      FunctionName: 'victim',
      Runtime: 'python3.12',
      Role: TEST_ROLE,
      Handler: 'lambda_function.handler',
      Code: { ZipFile: handlerZip(victim) },
    });
    pageServer = createServer((_req, res) =>
      res.writeHead(200, { 'content-type': 'text/html' }).end(attackPage(sb.url, markerPort)),
    );
    await new Promise<void>((resolve) => pageServer.listen(0, '127.0.0.1', resolve));
    if (!existsSync(CHROMIUM)) return;
    // Chromium's own Local Network Access checks are off: the endpoint must hold even in browsers without them.
    browser = await launchBrowser([
      `--host-resolver-rules=MAP ${REBOUND_HOST} 127.0.0.1`,
      '--disable-features=LocalNetworkAccessChecks,BlockInsecurePrivateNetworkRequests,PrivateNetworkAccessSendPreflights',
    ]);
  });

  after(async () => {
    await browser?.close();
    await new Promise((resolve) => pageServer?.close(resolve));
    await new Promise((resolve) => markerServer?.close(resolve));
    await sb?.close();
    await fs.rm(dir, { recursive: true, force: true });
  });

  /** Chromium is required in CI (.ci/run installs it); locally its absence skips with a reason. */
  function requireBrowser(t: { skip(message: string): void }): Browser | undefined {
    if (browser) return browser;
    const message = `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set LAMBDA_LAYERS_CHROMIUM)`;
    if (process.env.CI) assert.fail(`${message}; CI must run this test`);
    t.skip(message);
    return undefined;
  }

  /** Runs the attack in `page` and returns the answers Chromium let the test see. */
  async function attack(page: Page, endpointOrigin: string): Promise<Response[]> {
    refusals.length = 0;
    const answers: Response[] = [];
    page.on('response', (r) => void (r.url().startsWith(endpointOrigin) && answers.push(r)));
    const outcomes = await page.evaluate<string[]>('window.attack()');
    assert.equal(outcomes.length, 10, 'every attempt finished');
    return answers;
  }

  /** Both operations reached the endpoint and were refused (a cross-origin page also had its preflight refused). */
  async function assertNothingHappened(answers: Response[], refusal: RegExp, preflight: boolean): Promise<void> {
    for (const path of ['/2015-03-31/functions', '/2015-03-31/functions/victim/invocations']) {
      assert.ok(
        refusals.some((m) => m.startsWith(`Refused POST ${path}: `)),
        `a POST ${path} reached the endpoint and was refused:\n${refusals.join('\n')}`,
      );
      if (preflight)
        assert.ok(
          refusals.some((m) => m.startsWith(`Refused OPTIONS ${path}: `)),
          `the preflight of ${path} was refused`,
        );
    }
    for (const m of refusals) assert.match(m, new RegExp(`: AccessDeniedException: .*${refusal.source}`));
    for (const r of answers) {
      assert.equal(r.status(), 403, `${r.request().method()} ${r.url()}`);
      assert.equal(r.headers()['access-control-allow-origin'], undefined);
    }
    const names = ((await sb.client().send(new ListFunctionsCommand({}))).Functions ?? []).map((f) => f.FunctionName);
    assert.deepEqual(names, ['victim'], 'nothing was created');
    assert.equal(ran, '', 'nothing ran');
  }

  it('an HTML file opened from disk', async (t) => {
    const b = requireBrowser(t);
    if (!b) return;
    const file = join(dir, 'attack.html');
    await fs.writeFile(file, attackPage(sb.url, markerPort));
    const page = await b.newPage();
    await page.goto(pathToFileURL(file).href);
    await assertNothingHappened(await attack(page, sb.url), /web pages \(Origin: null\)|preflight/, true);
    await page.close();
  });

  it('a page served from another loopback port', async (t) => {
    const b = requireBrowser(t);
    if (!b) return;
    const page = await b.newPage();
    await page.goto(`http://127.0.0.1:${(pageServer.address() as AddressInfo).port}/attack.html`);
    await assertNothingHappened(
      await attack(page, sb.url),
      /web pages \(Origin: http:\/\/127\.0\.0\.1:\d+\)|preflight/,
      true,
    );
    await page.close();
  });

  it('a DNS-rebound page (its own origin now resolving to 127.0.0.1) can neither act nor read', async (t) => {
    const b = requireBrowser(t);
    if (!b) return;
    const origin = `http://${REBOUND_HOST}:${sb.port}`;
    const page = await b.newPage();
    // First load: the name still points at the attacker's server (served here by the route); afterwards the
    // page's same-origin requests go to 127.0.0.1, where no Origin header is sent for a GET.
    await page.route(`${origin}/attack.html`, (route) =>
      route.fulfill({ contentType: 'text/html', body: attackPage(origin, markerPort) }),
    );
    await page.goto(`${origin}/attack.html`);
    const answers = await attack(page, origin);
    await page.evaluate('window.readFunctions()');
    const leaked = await page.evaluate<string>("window.leaked ?? ''");
    assert.match(leaked, /not Host 'rebound\.test:\d+'/, 'a same-origin page may read the answer: the refusal');
    assert.doesNotMatch(leaked, /victim/, 'but not the function list');
    assert.ok(refusals.some((m) => m.startsWith('Refused GET /2015-03-31/functions/: ')));
    await assertNothingHappened(answers, /not Host 'rebound\.test:\d+'/, false);
  });

  it('the marker does record a run (so the checks above can fail)', async () => {
    await sb.client().send(new InvokeCommand({ FunctionName: 'victim', Payload: Buffer.from('{}') }));
    // The handler's environment stays warm with its socket open, so the bytes may land just after the answer.
    for (const deadline = Date.now() + 5000; ran === '' && Date.now() < deadline;)
      await new Promise((r) => setTimeout(r, 20));
    assert.equal(ran, 'victim ran\n');
  });
});
