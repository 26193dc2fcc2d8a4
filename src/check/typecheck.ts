import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import type { CheckDiagnostic } from './report.ts';

// Type-checks programs against the generated .d.ts, in the checker thread (thread.ts). One LanguageService
// per API stays warm: the lib and API declarations are parsed once, so checking a short program takes milliseconds.

export type Language = 'js' | 'ts';

const API_FILE = '/wand/api.d.ts';
const EXTRA_FILE = '/wand/extra.d.ts';
const PROGRAM = { js: '/wand/program.js', ts: '/wand/program.ts' } as const;
const LIB_DIR = dirname(createRequire(import.meta.url).resolve('typescript/lib/lib.d.ts'));

const OPTIONS: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  // ES only: the sandbox has no DOM, no Node and no timers, so those names must not type-check.
  lib: ['lib.es2022.d.ts'],
  allowJs: true,
  checkJs: true,
  noEmit: true,
  // Models write plain JavaScript: implicit any and possibly-undefined lookups are normal there and
  // fail at run time with a clear message anyway; what must be caught is a wrong name or argument.
  strict: false,
  noImplicitAny: false,
  strictNullChecks: false,
  allowUnreachableCode: true,
  allowUnusedLabels: true,
  types: [],
  noLib: false,
};

/** The sandbox runs a program as the body of an async function, so top-level return and await are fine. */
const IGNORED_CODES = new Set([
  1108, // A 'return' statement can only be used within a function body.
  1375, // 'await' expressions are only allowed at the top level of a file when that file is a module
  1378, // Top-level 'await' expressions are only allowed when the 'module' option is set to ...
]);

/** TypeScript-only syntax in a .js file: the program is TypeScript after all. */
const isTsOnly = (d: ts.Diagnostic) => d.code >= 8002 && d.code <= 8017;

const libCache = new Map<string, string | undefined>();
function readLib(path: string): string | undefined {
  if (!libCache.has(path)) {
    let text: string | undefined;
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      text = undefined;
    }
    libCache.set(path, text);
  }
  return libCache.get(path);
}

export interface Analysis {
  diagnostics: CheckDiagnostic[];
  language: Language;
  program: ts.Program;
  sourceFile: ts.SourceFile;
}

export class TypeChecker {
  private readonly files = new Map<string, { text: string; version: number }>();
  private readonly service: ts.LanguageService;

  constructor(dts: string, extraDts = '') {
    this.apiNames = new Set(
      ts.createSourceFile(API_FILE, dts, ts.ScriptTarget.ES2022).statements.flatMap((s) =>
        ts.isFunctionDeclaration(s) && s.name ? [s.name.text] : ts.isVariableStatement(s) ? s.declarationList.declarations.flatMap((d) => (ts.isIdentifier(d.name) ? [d.name.text] : [])) : [],
      ),
    );
    this.files.set(API_FILE, { text: dts, version: 1 });
    this.files.set(EXTRA_FILE, { text: extraDts, version: 1 });
    this.files.set(PROGRAM.js, { text: '', version: 0 });
    this.files.set(PROGRAM.ts, { text: '', version: 0 });
    const host: ts.LanguageServiceHost = {
      getCompilationSettings: () => OPTIONS,
      // Only the program of the current language is a root, so a .js and a .ts program never clash.
      getScriptFileNames: () => [API_FILE, EXTRA_FILE, this.active],
      getScriptVersion: (f) => String(this.files.get(f)?.version ?? 1),
      getScriptSnapshot: (f) => {
        const text = this.files.get(f)?.text ?? readLib(f);
        return text === undefined ? undefined : ts.ScriptSnapshot.fromString(text);
      },
      getCurrentDirectory: () => '/wand',
      getDefaultLibFileName: (o) => join(LIB_DIR, ts.getDefaultLibFileName(o)),
      fileExists: (f) => this.files.has(f) || readLib(f) !== undefined,
      readFile: (f) => this.files.get(f)?.text ?? readLib(f),
    };
    this.service = ts.createLanguageService(host, ts.createDocumentRegistry());
  }

  private active: string = PROGRAM.js;

  /** The names the API declares (its functions and console): programs and skills must not redefine them. */
  readonly apiNames: ReadonlySet<string>;

  // The loop's helper pass and its final check usually see the same source: type-check it once.
  private last: { key: string; analysis: Analysis } | undefined;

  /**
   * Type-checks a program; with no language given, JavaScript unless it uses TypeScript-only syntax.
   * `extraDts` declares what the program may call besides the primitives (stored skills' signatures);
   * it holds for this check only, so programs checked with and without it never see each other's.
   */
  analyze(source: string, language?: Language, extraDts = ''): Analysis {
    const extra = this.files.get(EXTRA_FILE)!;
    if (extra.text !== extraDts) this.files.set(EXTRA_FILE, { text: extraDts, version: extra.version + 1 });
    const key = `${language ?? 'auto'}:${this.files.get(EXTRA_FILE)!.version}:${source}`;
    if (this.last?.key === key) return this.last.analysis;
    const first = this.run(source, language ?? 'js');
    const analysis = language === undefined && first.raw.some(isTsOnly) ? this.run(source, 'ts').analysis : first.analysis;
    this.last = { key, analysis };
    return analysis;
  }

  check(source: string, language?: Language): CheckDiagnostic[] {
    return this.analyze(source, language).diagnostics;
  }

  /** Parses the lib and API declarations now, so the first real check is fast. */
  warm(): void {
    this.check('getObjectNames;');
  }

  private run(source: string, language: Language): { analysis: Analysis; raw: ts.Diagnostic[] } {
    const file = PROGRAM[language];
    const f = this.files.get(file)!;
    this.files.set(file, { text: source, version: f.version + 1 });
    this.active = file;
    const syntactic = this.service.getSyntacticDiagnostics(file);
    // A program that does not parse gets only its syntax errors: the type errors that follow are noise.
    const raw: ts.Diagnostic[] = syntactic.length ? [...syntactic] : this.service.getSemanticDiagnostics(file);
    const program = this.service.getProgram()!;
    const sourceFile = program.getSourceFile(file)!;
    const diagnostics = raw
      .filter((d) => !IGNORED_CODES.has(d.code) && d.category === ts.DiagnosticCategory.Error)
      .map((d) => toDiagnostic(d, sourceFile, syntactic.length ? 'syntax' : 'type'));
    return { analysis: { diagnostics, language, program, sourceFile }, raw };
  }
}

function toDiagnostic(d: ts.Diagnostic, sf: ts.SourceFile, source: 'syntax' | 'type'): CheckDiagnostic {
  const line = d.file && d.start !== undefined ? sf.getLineAndCharacterOfPosition(d.start).line + 1 : 0;
  return { line, message: ts.flattenDiagnosticMessageText(d.messageText, '\n'), code: d.code, source };
}
