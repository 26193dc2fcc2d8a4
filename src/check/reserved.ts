// Names a program or a skill may not declare: the robot API's functions, `console`, and the globals
// every sandbox has. A skill is loaded before every later program, so a function named `say` or `stop`
// would replace the real one for all of them (a stored no-op stop()); a program that declares one
// shadows it for itself. The sandbox makes the API's globals read-only as well; this says why, early.

/** The sandbox's own globals (QuickJS), besides the API; plus what it deletes, so no one brings them back. */
export const BUILTIN_GLOBALS: ReadonlySet<string> = new Set([
  ...'Error EvalError RangeError ReferenceError SyntaxError TypeError URIError InternalError AggregateError'.split(' '),
  ...'Array Object Function Iterator Number Boolean String Symbol BigInt Date RegExp JSON Math Reflect Proxy Promise'.split(' '),
  ...'Map Set WeakMap WeakSet WeakRef FinalizationRegistry ArrayBuffer SharedArrayBuffer DataView Atomics WebAssembly'.split(' '),
  ...'Int8Array Uint8Array Uint8ClampedArray Int16Array Uint16Array Int32Array Uint32Array BigInt64Array BigUint64Array'.split(' '),
  ...'Float16Array Float32Array Float64Array'.split(' '),
  ...'parseInt parseFloat isNaN isFinite decodeURI decodeURIComponent encodeURI encodeURIComponent escape unescape eval'.split(' '),
  ...'globalThis Infinity NaN undefined console'.split(' '),
]);

/** Why `name` may not be declared, or null when it may. `api`: the primitives' names. */
export function reservedNameReason(name: string, api: ReadonlySet<string>): string | null {
  if (name === 'console') return 'console is the program output (console.log); choose another name';
  if (api.has(name)) return `${name} is a robot API function; a definition of it would replace the real one, so choose another name`;
  if (BUILTIN_GLOBALS.has(name)) return `${name} is a built-in global; a definition of it would replace the real one, so choose another name`;
  return null;
}
