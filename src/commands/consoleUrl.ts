/** What the AWS Console can open for us. */
export type ConsoleTarget =
  | { kind: 'function'; name: string }
  | { kind: 'layer'; name: string }
  | { kind: 'layerVersion'; name: string; version: number };

/** The Lambda console page of a function, layer or layer version, in the console of the region's partition. */
export function lambdaConsoleUrl(region: string, target: ConsoleTarget): string {
  const query = `?region=${encodeURIComponent(region)}`;
  const fragment =
    target.kind === 'function'
      ? `#/functions/${encodeURIComponent(target.name)}`
      : target.kind === 'layer'
        ? `#/layers/${encodeURIComponent(target.name)}`
        : `#/layers/${encodeURIComponent(target.name)}/versions/${target.version}`;
  return `${consoleOrigin(region)}/lambda/home${query}${fragment}`;
}

function consoleOrigin(region: string): string {
  if (region.startsWith('cn-')) return 'https://console.amazonaws.cn';
  if (region.startsWith('us-gov-')) return 'https://console.amazonaws-us-gov.com';
  return `https://${region}.console.aws.amazon.com`;
}
