/** A .py file's source text (see src/util/pythonText.ts). */
declare module '*.py' {
  const source: string;
  export default source;
}
