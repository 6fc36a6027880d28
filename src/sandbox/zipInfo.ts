import * as yauzl from 'yauzl';

export interface ZipInfo {
  entries: number;
  /** Sum of the uncompressed sizes the central directory declares (extraction counts real bytes). */
  declaredUnzippedBytes: number;
}

/** Reads a zip's central directory; rejects bytes that are not a zip. */
export function inspectZip(data: Buffer): Promise<ZipInfo> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(data, { lazyEntries: true, validateEntrySizes: false, strictFileNames: false }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('not a zip'));
      const info: ZipInfo = { entries: 0, declaredUnzippedBytes: 0 };
      zip.on('entry', (entry: yauzl.Entry) => {
        info.entries++;
        info.declaredUnzippedBytes += entry.uncompressedSize;
        zip.readEntry();
      });
      zip.on('end', () => resolve(info));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}
