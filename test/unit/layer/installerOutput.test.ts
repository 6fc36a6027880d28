import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyInstallerOutput, installFailureError } from '../../../src/layer/installerOutput';
import { resolveTarget } from '../../../src/layer/runtimes';

const pipMissing = `Looking in links: /wheels
Processing /wheels/purepkg-1.0-py3-none-any.whl
ERROR: Could not find a version that satisfies the requirement only228==2.0 (from versions: none)
ERROR: No matching distribution found for only228==2.0
`;

const pipUnreachable = `Looking in indexes: http://127.0.0.1:9/simple
WARNING: Retrying (Retry(total=0, connect=None, read=None, redirect=None, status=None)) after connection broken by 'NewConnectionError('<pip._vendor.urllib3.connection.HTTPConnection object at 0x7f4dfcda9690>: Failed to establish a new connection: [Errno 111] Connection refused')': /simple/foo/
ERROR: Could not find a version that satisfies the requirement foo==1.0 (from versions: none)
ERROR: No matching distribution found for foo==1.0
`;

const uvMissing = `  × No solution found when resolving dependencies:
  ╰─▶ Because only228==2.0 has no wheels with a matching platform tag (e.g., \`manylinux_2_17_x86_64\`) and you require only228==2.0, we can conclude that your requirements are unsatisfiable.

      hint: Wheels are available for \`only228\` (v2.0) on the following platform: \`manylinux_2_28_x86_64\`
`;

test('pip "no matching distribution": names the package, the tags tried and what to change', () => {
  const failure = classifyInstallerOutput(pipMissing);
  assert.deepEqual(failure, { kind: 'no-distribution', requirement: 'only228==2.0', versions: [] });
  const err = installFailureError(failure, resolveTarget('python3.11', 'x86_64'), 'pip', pipMissing);
  assert.match(err.message, /No wheel of "only228==2\.0" fits python3\.11 on x86_64/);
  assert.match(
    err.message,
    /cp311, abi3 or py3-none wheels for manylinux_2_5 … manylinux_2_26_x86_64 \(manylinux2014, manylinux2010, manylinux1\)/,
  );
  assert.match(err.message, /python3\.12 or later/);
  assert.match(err.message, /arm64 architecture/);
  assert.match(err.message, /pin another version/);
  assert.equal(err.detail, pipMissing);
  const on312 = installFailureError(failure, resolveTarget('python3.12', 'arm64'), 'pip', '');
  assert.doesNotMatch(on312.message, /python3\.12 or later/);
  assert.match(on312.message, /x86_64 architecture/);
});

test('pip lists the versions that do have a matching wheel', () => {
  const failure = classifyInstallerOutput(
    'ERROR: Could not find a version that satisfies the requirement numpy==2.4.0 (from -r requirements.txt (line 1)) (from versions: 1.26.4, 2.0.2)\n',
  );
  assert.deepEqual(failure, { kind: 'no-distribution', requirement: 'numpy==2.4.0', versions: ['1.26.4', '2.0.2'] });
  assert.match(
    installFailureError(failure, resolveTarget('python3.11', 'x86_64'), 'pip', '').message,
    /1\.26\.4, 2\.0\.2/,
  );
});

test('an unreachable index is reported as such, with the index', () => {
  const failure = classifyInstallerOutput(pipUnreachable);
  assert.equal(failure.kind, 'unreachable');
  assert.equal(failure.kind === 'unreachable' && failure.index, 'http://127.0.0.1:9/simple');
  const err = installFailureError(failure, resolveTarget('python3.12', 'x86_64'), 'pip', pipUnreachable);
  assert.match(
    err.message,
    /Could not reach the package index \(http:\/\/127\.0\.0\.1:9\/simple\).*Connection refused/,
  );
  assert.equal(
    classifyInstallerOutput('Failed to establish a new connection: [Errno -2] Name or service not known').kind,
    'unreachable',
  );
});

test('uv: the missing package and the platforms its wheels exist for', () => {
  const failure = classifyInstallerOutput(uvMissing);
  assert.equal(failure.kind, 'no-distribution');
  assert.equal(failure.kind === 'no-distribution' && failure.requirement, 'only228==2.0');
  assert.deepEqual(failure.kind === 'no-distribution' && failure.platforms, ['manylinux_2_28_x86_64']);
  assert.match(
    installFailureError(failure, resolveTarget('python3.11', 'x86_64'), 'uv', uvMissing).message,
    /Wheels exist only for: manylinux_2_28_x86_64/,
  );
});

test('hash, conflict, source build and unknown failures', () => {
  assert.equal(
    classifyInstallerOutput(
      'ERROR: THESE PACKAGES DO NOT MATCH THE HASHES FROM THE REQUIREMENTS FILE.\n    six from x:\n        Expected sha256 aaa\n             Got        bbb\n',
    ).kind,
    'hashes',
  );
  assert.equal(
    classifyInstallerOutput(
      'ERROR: Cannot install a==1 and b==2 because these package versions have conflicting dependencies.\nERROR: ResolutionImpossible: for help visit …',
    ).kind,
    'conflict',
  );
  assert.deepEqual(
    classifyInstallerOutput('  error: subprocess-exited-with-error\n  ERROR: Failed building wheel for srconly\n'),
    { kind: 'source-build', packageName: 'srconly' },
  );
  const other = classifyInstallerOutput('something odd\nERROR: boom\n');
  assert.equal(other.kind, 'other');
  assert.match(
    installFailureError(other, resolveTarget('python3.12', 'x86_64'), 'pip', '').message,
    /pip failed:\n.*boom/s,
  );
});
