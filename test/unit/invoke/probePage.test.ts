import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderProbePage } from '../../../src/invoke/probePage';

const FRAME = { nonce: 'abc', cspSource: 'vscode-webview://x', title: 'Layer Imports' };
const ARN = 'arn:aws:lambda:us-east-1:123456789012:layer:deps:3';

test('the table shows each package with expected and imported versions, ok and failed clearly', () => {
  const html = renderProbePage(
    {
      subject: 'deps:3',
      probeFunctions: ['lambda-layers-probe-python312-x86_64'],
      sections: [
        {
          layerVersionArn: ARN,
          label: 'deps:3',
          report: {
            functionName: 'lambda-layers-probe-python312-x86_64',
            runtime: 'python3.12',
            architecture: 'x86_64',
            python: '3.12.7',
            machine: 'x86_64',
            rows: [
              { package: 'requests', expectedVersion: '2.32.3', importedVersion: '2.32.3', status: 'ok', modules: [] },
              {
                package: 'native<x>',
                expectedVersion: '1.0',
                importedVersion: '1.0',
                status: 'importFailed',
                error: 'native: ImportError: <bad>',
                modules: [],
              },
              {
                package: 'pinned',
                expectedVersion: '2.0',
                importedVersion: '2.1',
                status: 'versionMismatch',
                modules: [],
              },
            ],
          },
        },
        { layerVersionArn: `${ARN}x`, label: 'other:1', error: 'Access denied' },
      ],
    },
    FRAME,
  );
  assert.match(html, /script-src 'nonce-abc'/);
  assert.match(html, /2 of 3 packages have problems/);
  assert.match(html, /python3\.12 on x86_64 \(ran on Python 3\.12\.7, x86_64\)/);
  assert.match(html, /<span class="badge ok">✓ OK<\/span>/);
  assert.match(html, /<span class="badge fail">✗ Import failed<\/span>/);
  assert.match(html, /<span class="badge warn">! Different version<\/span>/);
  assert.ok(html.includes('native&lt;x&gt;') && html.includes('ImportError: &lt;bad&gt;'));
  assert.match(html, /Check failed[\s\S]*Access denied/);
  assert.match(html, /data-action="deleteProbe" data-value="lambda-layers-probe-python312-x86_64"/);
});

test('all packages importing is said in one badge', () => {
  const html = renderProbePage(
    {
      subject: 'deps:1',
      probeFunctions: [],
      sections: [
        {
          layerVersionArn: ARN,
          label: 'deps:1',
          report: {
            functionName: 'p',
            runtime: 'python3.11',
            architecture: 'arm64',
            rows: [{ package: 'a', status: 'ok', modules: [] }],
          },
        },
      ],
    },
    FRAME,
  );
  assert.match(html, /The package imports/);
  assert.doesNotMatch(html, /deleteProbe/);
});

test('a Node.js probe says which Node.js it ran on, with the load time of each package', () => {
  const model: Parameters<typeof renderProbePage>[0] = {
    subject: 'node-deps:1',
    probeFunctions: [],
    sections: [
      {
        layerVersionArn: ARN,
        label: 'node-deps:1',
        report: {
          functionName: 'lambda-layers-probe-nodejs22x-x86_64',
          runtime: 'nodejs22.x',
          architecture: 'x86_64',
          node: '22.11.0',
          machine: 'x86_64',
          rows: [
            {
              package: '@x/util',
              expectedVersion: '2.0.0',
              importedVersion: '2.0.0',
              status: 'ok',
              modules: [{ name: '@x/util', ok: true, importMs: 4.25 }],
            },
          ],
        },
      },
    ],
  };
  const html = renderProbePage(model, FRAME);
  assert.match(html, /nodejs22\.x on x86_64 \(ran on Node\.js 22\.11\.0, x86_64\)/);
  assert.match(html, /<td class="num">4\.3 ms<\/td>/);
  assert.match(html, /on the real runtime/);
  const local = renderProbePage({ ...model, local: true }, FRAME);
  assert.match(local, /on the local endpoint: this machine&#39;s Node\.js, not Lambda/);
});
