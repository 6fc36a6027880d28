// The runtime table's package names against the boto3 installed on this machine (its Requires-Dist closure and
// top-level modules). Skipped where the machine's Python has no boto3.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { runtimePackages } from '../../../src/stack/runtimePackages';

const SCRIPT = `
import importlib.metadata as md, json, re
seen, todo = {}, ['boto3']
while todo:
    name = todo.pop()
    key = re.sub(r'[-_.]+', '-', name).lower()
    if key in seen:
        continue
    dist = md.distribution(name)
    top = (dist.read_text('top_level.txt') or '').split()
    if not top:
        top = sorted({f.parts[0].removesuffix('.py') for f in dist.files or [] if not f.parts[0].endswith(('.dist-info', '.data')) and not f.parts[0].startswith('__')})
    seen[key] = top
    for req in dist.requires or []:
        if 'extra ==' not in req:
            todo.append(re.split(r'[ ;<>=!(\\[]', req, maxsplit=1)[0])
print(json.dumps(seen))
`;

function installedClosure(): Record<string, string[]> | undefined {
  try {
    return JSON.parse(execFileSync('python3', ['-I', '-c', SCRIPT], { encoding: 'utf8' })) as Record<string, string[]>;
  } catch {
    return undefined;
  }
}

test("the Python runtimes' packages are boto3's dependency closure with their top-level modules", (t) => {
  const closure = installedClosure();
  if (!closure) return t.skip('no boto3 in the local python3');
  const table = Object.fromEntries(runtimePackages('python3.12').map((p) => [p.name, p.modules]));
  assert.deepEqual(table, closure);
});
