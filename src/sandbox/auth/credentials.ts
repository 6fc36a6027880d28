import { randomBytes } from 'node:crypto';

/** The key pair clients of one endpoint sign with. Any access key id is accepted; the secret is what counts. */
export interface SandboxCredentials {
  accessKeyId: string;
  secretAccessKey: string;
}

/** A fresh pair shaped like AWS's (20-character key id, 40-character secret). */
export function generateCredentials(): SandboxCredentials {
  return {
    accessKeyId: `LOCAL${randomBytes(10).toString('hex').toUpperCase().slice(0, 15)}`,
    secretAccessKey: randomBytes(30)
      .toString('base64')
      .replace(/[+/]/g, (c) => (c === '+' ? 'x' : 'y')),
  };
}
