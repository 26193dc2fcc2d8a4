/** One reason a program may not run, with the 1-based line the model should look at (0: the whole reply). */
export interface CheckDiagnostic {
  line: number;
  message: string;
  /** TypeScript's error code, for type and syntax errors. */
  code?: number;
  /** Which check found it; 'limit': the program is too large, too deep or too slow to check (src/check/limits.ts). */
  source: 'extract' | 'syntax' | 'type' | 'whitelist' | 'limit';
}

/** The `check` field of a round in `wand ask --json`. */
export interface CheckReport {
  ok: boolean;
  diagnostics: CheckDiagnostic[];
}

export function report(diagnostics: CheckDiagnostic[]): CheckReport {
  const sorted = [...diagnostics].sort((a, b) => a.line - b.line);
  return { ok: sorted.length === 0, diagnostics: sorted };
}
