/**
 * Shadowing warnings of the functions analysed in this session, shown on their explorer nodes. Kept with the
 * layer list they were computed for, so a node stops showing them as soon as its layers change; nothing is
 * computed for a function until the user analyses it.
 */
const byFunction = new Map<string, { layers: string; messages: string[] }>();

export function setStackWarnings(functionName: string, layerArns: readonly string[], messages: string[]): void {
  byFunction.set(functionName, { layers: layerArns.join('\n'), messages });
}

export function stackWarningsFor(functionName: string, layerArns: readonly string[]): string[] {
  const entry = byFunction.get(functionName);
  return entry && entry.layers === layerArns.join('\n') ? entry.messages : [];
}
