import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { quarantineNotice } from '../../../src/sandbox/quarantineNotice';

describe('quarantine notice', () => {
  const folder = '/data/quarantine/2026-01-01T00-00-00-000Z';

  it('says nothing when nothing was set aside', () => {
    assert.equal(quarantineNotice([], folder), undefined);
  });

  it('names the one record, why, and the folder', () => {
    const text = quarantineNotice(
      [{ path: 'regions/us-east-1/functions/f.json', reason: 'it is empty (0 bytes)' }],
      folder,
    );
    assert.equal(
      text,
      `The local endpoint could not read 1 stored record (regions/us-east-1/functions/f.json: it is empty (0 bytes)) and set it aside in ${folder}. ` +
        'It runs without it: repair the file and move it back, or delete it.',
    );
  });

  it('counts several and names the folder', () => {
    const text = quarantineNotice(
      [1, 2, 3].map((n) => ({ path: `f${n}.json`, reason: 'r' })),
      folder,
    );
    assert.match(
      text!,
      new RegExp(`^The local endpoint could not read 3 stored records and set them aside in ${folder}\\.`),
    );
    assert.match(text!, /The log names each one\.$/);
  });
});
