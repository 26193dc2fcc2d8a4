import { transform } from 'sucrase';
import { WandError } from '../core/errors.ts';

interface SucraseSyntaxError extends SyntaxError {
  loc?: { line: number; column: number };
}

/**
 * TypeScript -> JavaScript with line numbers preserved (sucrase only blanks out types), so every line
 * QuickJS reports is a line of the user's source. Plain JavaScript passes through unchanged.
 * Throws WandError('syntax') with the line when the source does not parse.
 */
export function transpile(source: string): string {
  try {
    // disableESTransforms: QuickJS runs modern syntax natively; rewriting it would only move lines.
    return transform(source, { transforms: ['typescript'], disableESTransforms: true }).code;
  } catch (err) {
    const { loc, message } = err as SucraseSyntaxError;
    if (!loc) throw new WandError('syntax', `the program does not parse: ${message}`);
    const reason = message.replace(/\s*\(\d+:\d+\)$/, '');
    // The line is the error's own field (every report prints it); the message adds only the column
    // (sucrase counts columns from 1).
    throw new WandError('syntax', `${reason} at column ${loc.column}`, { line: loc.line });
  }
}
