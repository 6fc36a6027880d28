import { MAX_UNZIPPED_BYTES } from '../limits';
import { invalidParameter } from '../wire';
import { inspectZip, type ZipInfo } from '../zipInfo';

/** Lambda's checks on an uploaded zip (layer content or function code), with its messages. */
export async function checkUploadedZip(zip: Buffer): Promise<ZipInfo> {
  let info: ZipInfo;
  try {
    info = await inspectZip(zip);
  } catch {
    throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
  }
  if (info.entries === 0) throw invalidParameter('Uploaded file must be a non-empty zip');
  if (info.declaredUnzippedBytes > MAX_UNZIPPED_BYTES) {
    throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
  }
  return info;
}
