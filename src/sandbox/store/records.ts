// What the sandbox persists, one JSON file per layer version and per function.

export interface LayerVersionRecord {
  name: string;
  version: number;
  description: string;
  createdDate: string;
  compatibleRuntimes?: string[];
  compatibleArchitectures?: string[];
  licenseInfo?: string;
  /** base64 SHA-256, as reported. */
  codeSha256: string;
  codeSize: number;
  /** hex SHA-256: the blob's file name. */
  blob: string;
  /** Sum of the sizes the zip declares, for the 250 MB rule. */
  unzippedSize: number;
}

export interface FunctionLayerRecord {
  arn: string;
  codeSize: number;
  codeSha256: string;
  blob: string;
  unzippedSize: number;
}

export interface FunctionRecord {
  name: string;
  runtime?: string;
  role: string;
  handler?: string;
  description: string;
  timeout: number;
  memorySize: number;
  lastModified: string;
  codeSha256: string;
  codeSize: number;
  codeBlob: string;
  codeUnzippedSize: number;
  environment?: Record<string, string>;
  layers: FunctionLayerRecord[];
  architectures: string[];
  ephemeralStorageMb: number;
  tracingMode: string;
  tags?: Record<string, string>;
  /** PutFunctionConcurrency: at most this many invocations at once; absent means the account's unreserved pool. */
  reservedConcurrency?: number;
  revisionId: string;
  state: 'Pending' | 'Active';
  lastUpdateStatus?: 'InProgress' | 'Successful';
  /** Published versions, oldest first; each pins the code, configuration and layers $LATEST had then. */
  versions?: PublishedVersionRecord[];
  /** Highest version number ever published, deleted ones included: numbers are never reused. */
  lastVersion?: number;
  aliases?: AliasRecord[];
}

/** What a published version keeps of $LATEST: everything that runs or describes it (concurrency is the function's). */
export type FunctionSnapshot = Omit<
  FunctionRecord,
  'versions' | 'lastVersion' | 'aliases' | 'tags' | 'reservedConcurrency' | 'state' | 'lastUpdateStatus'
>;

export interface PublishedVersionRecord extends FunctionSnapshot {
  version: number;
  /** Digest of $LATEST's code and configuration when published: publishing it unchanged returns this version. */
  sourceDigest: string;
}

export interface AliasRecord {
  name: string;
  /** A version number or `$LATEST`. */
  functionVersion: string;
  description: string;
  /** AdditionalVersionWeights: at most one other version and its share of invocations. */
  weights?: Record<string, number>;
  revisionId: string;
}
