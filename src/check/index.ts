import { composeProgram, findMissingHelpers, type MissingHelper } from './helpers.ts';
import { report, type CheckReport } from './report.ts';
import { typeCheckerFor, type Language, type TypeChecker } from './typecheck.ts';
import { checkWhitelist, isForbiddenName } from './whitelist.ts';

// Everything a program goes through before anything moves: whitelist, then types.

export interface ProgramCheck extends CheckReport {
  /** Functions called but defined nowhere: candidates for hierarchical generation. */
  missing: MissingHelper[];
  language: Language;
}

export class ProgramChecker {
  readonly types: TypeChecker;

  /** `declarations`: functions programs may call besides the API (stored skills' signatures). */
  constructor(
    dts: string,
    readonly declarations = '',
  ) {
    this.types = typeCheckerFor(dts);
  }

  warm(): void {
    this.types.warm();
  }

  /**
   * Checks a program. Calls to undefined functions are listed in `missing` and, when `allowMissing`
   * is set, not reported as errors, so the caller can have them written first.
   */
  check(source: string, opts: { language?: Language; allowMissing?: boolean } = {}): ProgramCheck {
    const analysis = this.types.analyze(source, opts.language, this.declarations);
    // "Cannot find name 'pickUp'. Did you mean 'pick'?" is a typo to fix, not a helper to write.
    const typos = new Set(analysis.diagnostics.filter((d) => d.code === 2552).map((d) => nameIn(d.message)));
    const missing = findMissingHelpers(analysis).filter((m) => !typos.has(m.name));
    const missingNames = new Set(missing.map((m) => m.name));
    const typeErrors = analysis.diagnostics.filter(
      (d) => !(opts.allowMissing && NOT_FOUND.has(d.code!) && missingNames.has(nameIn(d.message))),
    );
    const whitelist = checkWhitelist(analysis.sourceFile);
    // A forbidden name or an import is also "not found" by the type checker; one explanation is enough.
    const types = typeErrors.filter(
      (d) => !((NOT_FOUND.has(d.code!) && isForbiddenName(nameIn(d.message))) || MODULE_CODES.has(d.code!)),
    );
    return { ...report([...whitelist, ...types]), missing, language: analysis.language };
  }
}

/** "Cannot find name" in its variants (plain, with a spelling suggestion, "install @types/node"). */
const NOT_FOUND = new Set([2304, 2552, 2580, 2582, 2591]);
/** Module resolution and dynamic import complaints, which the whitelist explains better. */
const MODULE_CODES = new Set([1323, 2307, 2792]);

/** The quoted name in "Cannot find name 'x'." */
function nameIn(message: string): string {
  return /'([^']+)'/.exec(message)?.[1] ?? '';
}

export { composeProgram };
export type { CheckReport, MissingHelper };
