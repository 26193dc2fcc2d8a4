/** File name QuickJS gives the program; stack frames "program.ts:LINE" are how lines are found. */
export const PROGRAM_FILE = 'program.ts';

/**
 * Wrap the program in an async function so top-level await works. The opening goes on the program's
 * first line and the closing on a new last line, so line numbers stay those of the user's source.
 */
export function wrapProgram(js: string): string {
  return `(async () => {${js}\n})()`;
}
