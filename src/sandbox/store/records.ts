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
}
