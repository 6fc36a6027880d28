// The platform lines Lambda writes around every invocation's own output.

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memoryMb: number;
  maxMemoryMb?: number;
  initDurationMs?: number;
  status?: 'timeout' | 'error';
  errorType?: string;
  /** Set when the local interpreter is not the runtime's version, e.g. `Python: 3.11.7 (function runtime python3.12)`. */
  local?: string;
}

export const startLine = (requestId: string, version = '$LATEST') =>
  `START RequestId: ${requestId} Version: ${version}\n`;
export const endLine = (requestId: string) => `END RequestId: ${requestId}\n`;

/** `REPORT RequestId: …\tDuration: 15.74 ms\tBilled Duration: 16 ms\t…\tInit Duration: 130.49 ms\t` */
export function reportLine(f: ReportFields): string {
  const parts = [
    `REPORT RequestId: ${f.requestId}`,
    `Duration: ${f.durationMs.toFixed(2)} ms`,
    `Billed Duration: ${Math.max(1, Math.ceil(f.durationMs))} ms`,
    `Memory Size: ${f.memoryMb} MB`,
    `Max Memory Used: ${f.maxMemoryMb ?? 0} MB`,
  ];
  // Only an environment's first invocation (a cold start) has an init phase; it is reported as measured.
  if (f.initDurationMs !== undefined) parts.push(`Init Duration: ${f.initDurationMs.toFixed(2)} ms`);
  if (f.status) parts.push(`Status: ${f.status}`);
  if (f.errorType) parts.push(`Error Type: ${f.errorType}`);
  if (f.local) parts.push(`Local ${f.local}`);
  return `${parts.join('\t')}\t\n`;
}

/** "Task timed out after 3.00 seconds" */
export const timeoutMessage = (timeoutSeconds: number) => `Task timed out after ${timeoutSeconds.toFixed(2)} seconds`;
