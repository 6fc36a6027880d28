import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { ElfError, isElf, maxGlibcMinor, parseElf } from '../../../src/layer/elf';
import { makeElf } from '../../fixtures/elf';

test('ELF64 x86_64: machine, type, needed libraries and version needs', () => {
  const info = parseElf(
    makeElf({ versions: { 'libc.so.6': ['GLIBC_2.2.5', 'GLIBC_2.28'], 'libm.so.6': ['GLIBC_2.29'] } }),
  );
  assert.equal(info.bits, 64);
  assert.equal(info.machineName, 'x86_64');
  assert.equal(info.type, 3);
  assert.deepEqual(info.needed, ['libc.so.6', 'libm.so.6']);
  assert.deepEqual(info.versionNeeds, [
    { file: 'libc.so.6', versions: ['GLIBC_2.2.5', 'GLIBC_2.28'] },
    { file: 'libm.so.6', versions: ['GLIBC_2.29'] },
  ]);
  assert.equal(maxGlibcMinor(info), 29);
});

test('aarch64 and ELF32 objects', () => {
  assert.equal(parseElf(makeElf({ machine: 'aarch64' })).machineName, 'aarch64');
  const i386 = parseElf(makeElf({ bits: 32, machine: 'i386', versions: { 'libc.so.6': ['GLIBC_2.0', 'GLIBC_2.34'] } }));
  assert.equal(i386.bits, 32);
  assert.equal(i386.machineName, 'i386');
  assert.equal(maxGlibcMinor(i386), 34);
});

test('without section headers the dynamic segment is read instead', () => {
  const info = parseElf(
    makeElf({ withoutSectionHeaders: true, versions: { 'libc.so.6': ['GLIBC_2.17', 'GLIBC_2.33'] } }),
  );
  assert.deepEqual(info.needed, ['libc.so.6']);
  assert.equal(maxGlibcMinor(info), 33);
});

test('glibc: only GLIBC_2.x counts; GLIBC_ABI_DT_RELR means 2.36; none → undefined', () => {
  const other = parseElf(
    makeElf({
      versions: { 'libstdc++.so.6': ['GLIBCXX_3.4.29', 'CXXABI_1.3'], 'libc.so.6': ['GLIBC_PRIVATE', 'GLIBC_2.3.4'] },
    }),
  );
  assert.equal(maxGlibcMinor(other), 3);
  assert.equal(maxGlibcMinor(parseElf(makeElf({ versions: { 'libc.so.6': ['GLIBC_ABI_DT_RELR', 'GLIBC_2.4'] } }))), 36);
  assert.equal(maxGlibcMinor(parseElf(makeElf({ versions: {} }))), undefined);
});

test('damaged input is an ElfError, not a crash', () => {
  const elf = makeElf();
  assert.throws(() => parseElf(elf.subarray(0, 100)), ElfError);
  assert.throws(() => parseElf(Buffer.from('not an elf at all, just text')), ElfError);
  assert.equal(isElf(Buffer.from('\x7fELF', 'latin1')), true);
  assert.equal(isElf(Buffer.from('PK')), false);
});

test(
  'a real system library parses like readelf shows it',
  { skip: !existsSync('/lib/x86_64-linux-gnu/libm.so.6') },
  () => {
    const info = parseElf(readFileSync('/lib/x86_64-linux-gnu/libm.so.6'));
    assert.equal(info.machineName, 'x86_64');
    assert.ok(info.needed.includes('libc.so.6'));
    assert.ok((maxGlibcMinor(info) ?? 0) >= 2);
  },
);
