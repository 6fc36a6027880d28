// The probe functions' names, apart from the probe engine: the explorer marks probe functions at activation and
// must not load the engine (zips, requirements, function creation) to do so.
const PROBE_PREFIX = 'lambda-layers-probe-';

/** `lambda-layers-probe-python312-x86_64`: one probe function per runtime and architecture. */
export function probeFunctionName(runtime: string, architecture: string): string {
  return `${PROBE_PREFIX}${runtime.replace(/[^A-Za-z0-9]/g, '')}-${architecture}`;
}

export function isProbeFunction(name: string): boolean {
  return name.startsWith(PROBE_PREFIX);
}
