/** A .cjs file's source text (see src/util/scriptText.ts). */
declare module '*.cjs' {
  const source: string;
  export default source;
}
