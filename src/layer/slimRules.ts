/**
 * What a slim build leaves out of a layer, by path relative to python/ (pure; src/layer/slim.ts applies it).
 *
 * - `tests`: a `tests` folder inside a package (numpy, pandas, scipy, sklearn … ship theirs), and pytest's
 *   `conftest.py`. Not `test` or `testing`: those names hold public runtime APIs (`django.test`,
 *   `numpy.testing`, `pandas.testing`).
 * - `docs`, `examples`: `docs`/`doc` and `examples` folders inside a package, unless the folder is itself a
 *   package (has `__init__.py`): `botocore.docs` and `boto3.docs` are code that `botocore.client` and boto3's
 *   resources import when a client is made, long after the top-level import a slim build can try.
 * - `stubs`: `.pyi` type stubs and PEP 561 `*-stubs` packages. `py.typed` stays: it is empty (dropping it
 *   saves only its zip entry) and says the kept `.py` files carry inline types, which stays true.
 * - `sources`: C/C++ and Cython sources and headers (`.c`, `.h`, `.cpp`, `.pyx`, `.pxd` …), which only a
 *   compiler reads.
 *
 * Never: anything in `.dist-info` (importlib.metadata and pkg_resources read it), and no top-level folder by
 * its name alone: a package literally named `tests` or `docs` is importable and stays. Bytecode follows its
 * source: `pkg/tests/__pycache__/x.cpython-312.pyc` goes with the folder, `pkg/__pycache__/conftest…pyc` with
 * `conftest.py`.
 */

export type SlimKind = 'tests' | 'docs' | 'examples' | 'stubs' | 'sources';

const FOLDERS: Record<string, SlimKind> = { tests: 'tests', docs: 'docs', doc: 'docs', examples: 'examples' };
/** Folder kinds left out even when the folder is a package: test suites are never imported by the code they test. */
const EVEN_AS_PACKAGE: ReadonlySet<SlimKind> = new Set(['tests']);
const SOURCES = /\.(c|h|cc|cpp|cxx|hh|hpp|hxx|pyx|pxd|pxi)$/i;
/** `__pycache__/name.cpython-312.pyc` (also `.opt-1.pyc`) and legacy `name.pyc` next to its source. */
const BYTECODE = /^(.*?)(?:__pycache__\/)?([^/]+?)(?:\.[a-z]+-\d+[^/.]*(?:\.opt-\d)?)?\.pyc$/;

/** Folders that are regular packages (hold `__init__.py`), from the layer's file paths. */
export function packageDirs(paths: Iterable<string>): Set<string> {
  const dirs = new Set<string>();
  for (const p of paths) if (p.endsWith('/__init__.py')) dirs.add(p.slice(0, -'/__init__.py'.length));
  return dirs;
}

/** Why a slim build leaves this file out, or undefined when it stays; `packages` from packageDirs. */
export function slimKind(path: string, packages: ReadonlySet<string> = new Set()): SlimKind | undefined {
  const parts = path.split('/');
  if (/\.(dist|egg)-info$/.test(parts[0])) return undefined;
  if (parts.length > 1 && parts[0].endsWith('-stubs')) return 'stubs';
  // Folders inside a package (never the top-level one itself, and not the file name).
  for (let i = 1; i < parts.length - 1; i++) {
    const kind = FOLDERS[parts[i]];
    if (kind && (EVEN_AS_PACKAGE.has(kind) || !packages.has(parts.slice(0, i + 1).join('/')))) return kind;
  }
  const base = parts[parts.length - 1];
  if (base.endsWith('.pyc')) {
    const m = BYTECODE.exec(path);
    return m ? slimKind(`${m[1]}${m[2]}.py`, packages) : undefined;
  }
  if (base.endsWith('.pyi')) return 'stubs';
  if (SOURCES.test(base)) return 'sources';
  if (base === 'conftest.py' && parts.length > 1) return 'tests';
  return undefined;
}
