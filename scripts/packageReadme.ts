// Writes the README that goes into the VSIX (`vsce package --readme-path`): docs/README.package.md with every
// image inlined as a data: URI. VS Code shows an installed extension's README in a webview whose policy loads
// images only from https: and data: (a relative path resolves against the webview's own origin and is blocked),
// and the repository URL vsce would rewrite relative images against is not public. Inlined, the images load from
// the installed extension, offline. The package script runs it (and passes --no-rewrite-relative-links to vsce).
//
//   node --import tsx scripts/packageReadme.ts [out]   (default dist/README.md)
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '..');
export const PACKAGE_README = path.join(ROOT, 'docs', 'README.package.md');

const IMAGE_TYPES: Record<string, string> = {
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
};

/** Markdown links and images: `[text](target)` / `![alt](target)`. */
const LINK = /(!?)\[([^\]]*)\]\(([^)\s]+)\)/g;

/** Relative image targets of a markdown document, in order. */
export function relativeImages(markdown: string): string[] {
  return [...markdown.matchAll(LINK)]
    .filter(([, bang, , target]) => bang && !isAbsolute(target))
    .map(([, , , target]) => target);
}

/**
 * Replaces each relative image with a data: URI of the file (relative to `baseDir`). Throws on an image type
 * VS Code cannot show from a data: URI (SVG is sanitised away) and on relative links, which lead nowhere from
 * an installed extension.
 */
export function inlineImages(markdown: string, baseDir: string): string {
  return markdown.replace(LINK, (whole, bang: string, text: string, target: string) => {
    if (isAbsolute(target)) return whole;
    if (!bang)
      throw new Error(
        `relative link "${target}" in the package README: an installed extension cannot open it; use an https:// URL`,
      );
    const type = IMAGE_TYPES[path.extname(target).toLowerCase()];
    if (!type) throw new Error(`image "${target}": only ${Object.keys(IMAGE_TYPES).join(', ')} can be inlined`);
    const data = fs.readFileSync(path.resolve(baseDir, target)).toString('base64');
    return `![${text}](data:${type};base64,${data})`;
  });
}

function isAbsolute(target: string): boolean {
  return /^[a-z][\w+.-]*:/i.test(target) || target.startsWith('#');
}

function main(): void {
  const out = path.resolve(process.argv[2] ?? path.join(ROOT, 'dist', 'README.md'));
  const markdown = inlineImages(fs.readFileSync(PACKAGE_README, 'utf8'), path.dirname(PACKAGE_README));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, markdown);
}

if (require.main === module) main();
