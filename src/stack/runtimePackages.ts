/**
 * What each Lambda runtime ships outside /var/task and /opt (Python: /var/runtime, after /var/task and /opt on
 * sys.path; Node.js: /var/runtime/node_modules, last on NODE_PATH), so a copy in the function's code or a layer
 * shadows it.
 *
 * Where each entry comes from (checked 2026-12 on a machine without internet):
 * - Which packages (the `name` and `modules` of every Python entry): checked. The Python runtimes include boto3
 *   "and its dependencies" (AWS Lambda developer guide, lambda-python.html, "Runtime-included SDK versions"). The
 *   dependency closure was read from the metadata of boto3 1.43.11 / botocore 1.43.11 installed on this machine
 *   (Requires-Dist: boto3 → botocore, jmespath, s3transfer; botocore → jmespath, python-dateutil, urllib3;
 *   python-dateutil → six) and each top-level module from its top_level.txt / RECORD (python-dateutil → dateutil,
 *   six → six.py, urllib3 → urllib3). Test: test/unit/stack/runtimePackages.test.ts.
 * - Which runtimes: python3.9 … python3.14 are the Python values of the `Runtime` enum in the Lambda service model
 *   of that botocore (data/lambda/2015-03-31/service-2.json).
 * - Versions: NOT checked. They are the boto3/botocore release the docs' table listed for these runtimes around
 *   2024-11 as remembered when this file was first written, with the versions of the other packages that release
 *   pinned at the time. One fact holds for any release and was checked on the local metadata: boto3 and botocore
 *   share their version number (boto3 1.43.11 requires botocore >=1.43.11,<1.44.0). AWS updates these packages
 *   without notice and per region, and the table covers no runtime newer than python3.13 (python3.14: versions
 *   unknown, left out). So a version here is a typical one, for the shadowing table; the import probe
 *   (src/invoke/probe.ts) reports the real ones on AWS. Refresh them with a function that prints
 *   `importlib.metadata.version(name)` for each name below.
 * - Node.js runtimes (the AWS SDK for JavaScript v3 in /var/runtime/node_modules on Node.js ≥ 18, per the AWS
 *   Node.js 18 launch post quoted in github.com/aws/aws-sdk-js/issues/4431): no table yet. `RUNTIME_PACKAGES` takes one per runtime in the
 *   same shape, with `ecosystem: 'node'` and package names as modules.
 */
export interface RuntimePackage {
  ecosystem: 'python' | 'node';
  /** Distribution (Python) or package (Node.js) name. */
  name: string;
  /** Undefined when the runtime ships the package in a version we do not know. */
  version?: string;
  /** Importable top-level names: Python modules, or the Node.js package name itself. */
  modules: string[];
}

/** Where the runtime keeps its own packages, as the function sees it. */
export function runtimePackagesPath(ecosystem: RuntimePackage['ecosystem']): string {
  return ecosystem === 'python' ? '/var/runtime' : '/var/runtime/node_modules';
}

/** boto3 and its dependency closure (names checked), each with a remembered 2024-11 version (unchecked). */
const PYTHON_SDK: readonly (Omit<RuntimePackage, 'ecosystem' | 'version'> & { version2024: string })[] = [
  { name: 'boto3', version2024: '1.34.145', modules: ['boto3'] },
  { name: 'botocore', version2024: '1.34.145', modules: ['botocore'] },
  { name: 's3transfer', version2024: '0.10.2', modules: ['s3transfer'] },
  { name: 'jmespath', version2024: '1.0.1', modules: ['jmespath'] },
  { name: 'urllib3', version2024: '1.26.19', modules: ['urllib3'] },
  { name: 'six', version2024: '1.16.0', modules: ['six'] },
  { name: 'python-dateutil', version2024: '2.9.0.post0', modules: ['dateutil'] },
];

function pythonSdk(withVersions: boolean): RuntimePackage[] {
  return PYTHON_SDK.map(({ name, modules, version2024 }) => ({
    ecosystem: 'python',
    name,
    modules,
    ...(withVersions ? { version: version2024 } : {}),
  }));
}

const SDK_2024_11 = pythonSdk(true);

const RUNTIME_PACKAGES: Readonly<Record<string, readonly RuntimePackage[]>> = {
  'python3.9': SDK_2024_11,
  'python3.10': SDK_2024_11,
  'python3.11': SDK_2024_11,
  'python3.12': SDK_2024_11,
  'python3.13': SDK_2024_11,
  'python3.14': pythonSdk(false),
};

/** The runtime's own packages; none for runtimes we have no table for (Node.js: not yet, see above). */
export function runtimePackages(runtime: string | undefined): readonly RuntimePackage[] {
  return (runtime && RUNTIME_PACKAGES[runtime]) || [];
}
