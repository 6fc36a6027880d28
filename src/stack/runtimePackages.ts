/**
 * What each Lambda Python runtime ships in /var/runtime, which comes after /var/task and /opt on sys.path,
 * so a copy in the function's code or a layer shadows it.
 *
 * Source: the AWS Lambda docs' "Runtime-included SDK versions" table (every Python runtime includes boto3 and
 * its dependencies), as of 2024-11 — written down from that table, not re-checked since (this machine has no
 * internet). AWS updates these without notice and they differ by region: the table says which modules the
 * runtime provides and a typical version; the import probe (src/invoke/probe.ts) reports the real ones on AWS.
 * Refresh it with a function that prints `importlib.metadata.version(name)` for each name below.
 */
export interface RuntimePackage {
  name: string;
  version: string;
  modules: string[];
}

const SDK_2024_11: RuntimePackage[] = [
  { name: 'boto3', version: '1.34.145', modules: ['boto3'] },
  { name: 'botocore', version: '1.34.145', modules: ['botocore'] },
  { name: 's3transfer', version: '0.10.2', modules: ['s3transfer'] },
  { name: 'jmespath', version: '1.0.1', modules: ['jmespath'] },
  { name: 'urllib3', version: '1.26.19', modules: ['urllib3'] },
  { name: 'six', version: '1.16.0', modules: ['six'] },
  { name: 'python-dateutil', version: '2.9.0.post0', modules: ['dateutil'] },
];

const RUNTIME_PACKAGES: Readonly<Record<string, readonly RuntimePackage[]>> = {
  'python3.9': SDK_2024_11,
  'python3.10': SDK_2024_11,
  'python3.11': SDK_2024_11,
  'python3.12': SDK_2024_11,
  'python3.13': SDK_2024_11,
};

/** The runtime's own packages; none for runtimes we have no table for (Node.js: not yet). */
export function runtimePackages(runtime: string | undefined): readonly RuntimePackage[] {
  return (runtime && RUNTIME_PACKAGES[runtime]) || [];
}
