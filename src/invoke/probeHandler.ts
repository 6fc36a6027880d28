import '../util/pythonText';
import '../util/scriptText';
import NODE_PROBE_SOURCE from './lambda_layers_probe.cjs';
import PROBE_SOURCE from './lambda_layers_probe.py';

/**
 * The runtime side of the import probe: lambda_layers_probe.py (Python) or lambda_layers_probe.cjs (Node.js),
 * deployed as the probe function's code. The handler is generic: the event names the packages and their
 * top-level modules, so one deployed probe function serves every layer of a runtime and architecture and only
 * its layer list changes between probes. Both answer in the shape `parseProbeResponse` reads.
 */
export const PROBE_MODULE = 'lambda_layers_probe';
export const PROBE_HANDLER = `${PROBE_MODULE}.handler`;

/** The probe function's code. Bump its version (the first line and `probeVersion`) when the Python changes. */
export function probeHandlerSource(): string {
  return PROBE_SOURCE;
}

/** The Node.js probe's code (`.cjs`: CommonJS whatever the package type). Bump its version line when it changes. */
export function nodeProbeHandlerSource(): string {
  return NODE_PROBE_SOURCE;
}

export interface ProbeRequest {
  packages: { name: string; modules: string[] }[];
}

export interface ProbeModuleResult {
  name: string;
  ok: boolean;
  error?: string;
  /** Where the module was loaded from (shows when the runtime's copy shadowed the layer's). */
  file?: string;
  /** Cumulative import time in a fresh interpreter on the runtime (probe v2+). */
  importMs?: number;
}

export interface ProbePackageResult {
  name: string;
  version?: string;
  versionError?: string;
  modules: ProbeModuleResult[];
}

export interface ProbeResponse {
  python?: string;
  /** The Node.js version, from the Node.js probe. */
  node?: string;
  machine?: string;
  packages: ProbePackageResult[];
}

/** Reads the handler's answer; undefined when it is not what this handler returns. */
export function parseProbeResponse(value: unknown): ProbeResponse | undefined {
  if (!isRecord(value) || !Array.isArray(value.packages)) return undefined;
  const packages: ProbePackageResult[] = [];
  for (const p of value.packages) {
    if (!isRecord(p) || typeof p.name !== 'string') return undefined;
    packages.push({
      name: p.name,
      version: str(p.version),
      versionError: str(p.versionError),
      modules: (Array.isArray(p.modules) ? p.modules : []).filter(isRecord).map((m) => ({
        name: String(m.name),
        ok: m.ok === true,
        error: str(m.error),
        file: str(m.file),
        ...(typeof m.importMs === 'number' && Number.isFinite(m.importMs) ? { importMs: m.importMs } : {}),
      })),
    });
  }
  return { python: str(value.python), node: str(value.node), machine: str(value.machine), packages };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
