import assert from 'node:assert/strict';
import { test } from 'node:test';
import { escapeHtml } from '../../../src/util/html';

test('escapeHtml: the five characters that matter in content and quoted attributes', () => {
  assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  assert.equal(escapeHtml('plain 文字'), 'plain 文字');
  assert.equal(escapeHtml(42), '42');
});
