// Names a program-visible function or type defined at run time (a robot's declared interface, a stored
// skill) may not take: a built-in primitive, a word of the language, a global of the sandbox or the host.
// Shadowing one would change what an existing program means, or break the generated .d.ts.

/** ECMAScript reserved words, strict-mode ones and contextual ones a declaration cannot use. */
const WORDS = `break case catch class const continue debugger default delete do else enum export extends false finally
for function if import in instanceof new null return super switch this throw true try typeof var void while with yield
let static implements interface package private protected public await async of get set arguments eval undefined NaN
Infinity`;

/** The sandbox's own globals (ES2022 in QuickJS, console among them), and what it deletes, so no one brings them back. */
const SANDBOX = `globalThis Object Function Array Number Boolean String Symbol BigInt Math JSON Date RegExp Error EvalError RangeError
ReferenceError SyntaxError TypeError URIError AggregateError InternalError Iterator Promise Proxy Reflect Map Set WeakMap
WeakSet WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer DataView Atomics Int8Array Uint8Array Uint8ClampedArray
Int16Array Uint16Array Int32Array Uint32Array Float16Array Float32Array Float64Array BigInt64Array BigUint64Array Intl parseInt parseFloat isNaN
isFinite encodeURI encodeURIComponent decodeURI decodeURIComponent escape unescape eval Infinity NaN undefined console
WebAssembly`;

/** Host globals: not in the sandbox, but a primitive named after one would read as if it were the host's. */
const HOST = `print window self global process require module exports Buffer fetch XMLHttpRequest WebSocket setTimeout setInterval
setImmediate clearTimeout clearInterval clearImmediate queueMicrotask structuredClone performance`;

/** TypeScript's built-in utility types: a generated type of one of these names would not compile. */
const TS_TYPES = `Partial Required Readonly Record Pick Omit Exclude Extract NonNullable Parameters ReturnType InstanceType
ThisType Awaited Uppercase Lowercase Capitalize Uncapitalize PropertyKey PromiseLike ArrayLike Iterable Iterator
IterableIterator Generator AsyncIterable AsyncIterator AsyncGenerator TemplateStringsArray ConstructorParameters
ThisParameterType OmitThisParameter NoInfer ReadonlyArray ReadonlyMap ReadonlySet IArguments CallableFunction
NewableFunction any unknown never number string boolean bigint symbol object`;

const split = (s: string) => s.split(/\s+/).filter(Boolean);

export const RESERVED_WORDS: ReadonlySet<string> = new Set(split(WORDS));
export const SANDBOX_GLOBALS: ReadonlySet<string> = new Set(split(SANDBOX));
export const RESERVED_GLOBALS: ReadonlySet<string> = new Set([...SANDBOX_GLOBALS, ...split(HOST)]);
const RESERVED_TYPES: ReadonlySet<string> = new Set([...RESERVED_GLOBALS, ...split(TS_TYPES)]);

export const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * Why `name` cannot be a new global function next to `builtins` (the primitive names of the profile),
 * or null when it can.
 */
export function reservedNameReason(name: string, builtins: Iterable<string>): string | null {
  if (!IDENTIFIER.test(name)) return 'it is not a JavaScript identifier (letters, digits, _ and $, not starting with a digit)';
  if (new Set(builtins).has(name)) return 'it is a built-in primitive';
  if (RESERVED_WORDS.has(name)) return 'it is a reserved word of JavaScript';
  if (RESERVED_GLOBALS.has(name)) return 'it is a JavaScript or host global';
  if (name.startsWith('__')) return 'names starting with __ are reserved for the sandbox';
  return null;
}

/** Whether a generated type declaration may be called `name` (it must not redeclare a standard type). */
export function isReservedTypeName(name: string): boolean {
  return RESERVED_TYPES.has(name) || RESERVED_WORDS.has(name);
}

/**
 * Why a program or a skill may not declare `name` (`api`: the primitives' names), or null when it may.
 * A skill is loaded before every later program, so a function named `say` or `stop` would replace the real
 * one for all of them (a stored no-op stop()); a program that declares one shadows it for itself. The
 * sandbox makes the API's globals read-only as well; this says why, early.
 */
export function shadowingReason(name: string, api: ReadonlySet<string>): string | null {
  if (name === 'console') return 'console is the program output (console.log); choose another name';
  if (api.has(name)) return `${name} is a robot API function; a definition of it would replace the real one, so choose another name`;
  if (SANDBOX_GLOBALS.has(name)) return `${name} is a built-in global; a definition of it would replace the real one, so choose another name`;
  return null;
}
