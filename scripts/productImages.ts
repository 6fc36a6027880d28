// Makes the product page's images: each `../media/product/<name>.webp` that docs/README.package.md shows is
// media/screenshots/<name>.png (taken by the UI flows) as lossy WebP, a third to a half of the PNG's bytes. The
// images travel inside the VSIX's README (scripts/packageReadme.ts), so their size is the VSIX's size.
// Needs Chromium (the in-VS-Code tier's browser); run it after copying new screenshots into media/screenshots/:
//
//   node --import tsx scripts/productImages.ts
import * as fs from 'node:fs';
import * as path from 'node:path';
import { launchBrowser } from '../test/vscode/lib/browser';
import { PACKAGE_README, relativeImages } from './packageReadme';

const ROOT = path.resolve(__dirname, '..');
const QUALITY = 0.85;
/** Runs in the page (a string, since this project's TypeScript has no DOM types): PNG data URI → WebP data URI. */
const TO_WEBP = `(async () => {
  const image = new Image();
  image.src = SRC;
  await image.decode();
  const canvas = document.createElement('canvas');
  canvas.width = image.naturalWidth;
  canvas.height = image.naturalHeight;
  canvas.getContext('2d').drawImage(image, 0, 0);
  return canvas.toDataURL('image/webp', ${QUALITY});
})()`;

async function main(): Promise<void> {
  const targets = relativeImages(fs.readFileSync(PACKAGE_README, 'utf8')).map((target) =>
    path.resolve(path.dirname(PACKAGE_README), target),
  );
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage();
    for (const target of targets) {
      const source = path.join(ROOT, 'media', 'screenshots', `${path.basename(target, '.webp')}.png`);
      if (path.extname(target) !== '.webp' || !fs.existsSync(source))
        throw new Error(`${target}: expected a .webp made from ${source}`);
      const png = `data:image/png;base64,${fs.readFileSync(source).toString('base64')}`;
      const webp = await page.evaluate<string>(TO_WEBP.replace('SRC', JSON.stringify(png)));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, Buffer.from(webp.slice(webp.indexOf(',') + 1), 'base64'));
      console.log(
        `${path.relative(ROOT, target)}: ${fs.statSync(target).size} bytes (PNG ${fs.statSync(source).size})`,
      );
    }
  } finally {
    await browser.close();
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : e);
    process.exit(1);
  });
}
