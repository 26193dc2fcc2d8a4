// Trusted code evaluated first in every fresh QuickJS context, before any program or skill.
//
// It is a function expression, so the raw host function arrives as an argument and lives only in this
// closure: it is never a property of the global object, so the program cannot find or replace it.
// Everything the wrappers use after the program has started is captured here, because the program may
// overwrite JSON, String, Error, prototypes... by the time it calls a primitive.
//
// Host reply protocol (strings only, so no host object ever crosses): 'v' + JSON value, 'u' for
// undefined, 'e' + JSON {message, kind, primitive} for a catchable primitive error, 'f' when the host
// has stopped the program (the host's interrupt handler then ends it; nothing the guest does still
// reaches the host).

export const GUEST_PRELUDE = String.raw`(function (hostCall, programFile, globalsJson, aliasesJson) {
  'use strict';
  const G = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const toString = String;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const exec = RegExp.prototype.exec;
  const sliceString = String.prototype.slice;
  const origins = new WeakMap();
  const getOrigin = WeakMap.prototype.get;
  const setOrigin = WeakMap.prototype.set;
  const lineInProgram = new RegExp(programFile.split('.').join('\\.') + ':(\\d+)');

  // QuickJS stacks read "    at fn (program.ts:LINE:COL)"; the first program frame is the innermost one,
  // i.e. the primitive call itself even when it sits inside a callback or a skill.
  function lineOf(stack) {
    if (typeof stack !== 'string') return undefined;
    const match = apply(exec, lineInProgram, [stack]);
    return match ? +match[1] : undefined;
  }

  function replacer(key, value) {
    const type = typeof value;
    if (type === 'function' || type === 'symbol' || type === 'bigint') return { $unserialisable: type };
    return value;
  }

  function encodeArgs(primitive, args) {
    let count = args.length;
    while (count > 0 && args[count - 1] === undefined) count--;
    args.length = count;
    try {
      return stringify(args, replacer);
    } catch (err) {
      throw new TypeErrorCtor(primitive + '(): arguments must be plain data (' + toString(err && err.message) + ')');
    }
  }

  function field(target, key, value) {
    defineProperty(target, key, { value, writable: true, enumerable: false, configurable: true });
  }

  function call(primitive, args) {
    const line = lineOf(new ErrorCtor().stack);
    const reply = hostCall(primitive, encodeArgs(primitive, args), line);
    const tag = reply[0];
    if (tag === 'u') return undefined;
    if (tag === 'v') return parse(apply(sliceString, reply, [1]));
    if (tag === 'e') {
      const info = parse(apply(sliceString, reply, [1]));
      const error = new ErrorCtor(info.message);
      field(error, 'kind', info.kind);
      field(error, 'primitive', info.primitive);
      if (line !== undefined) field(error, 'line', line);
      info.line = line;
      apply(setOrigin, origins, [error, info]);
      throw error;
    }
    throw new ErrorCtor('the program was stopped');
  }

  function primitiveFunction(exposedName, primitive) {
    const fn = function (...args) {
      return call(primitive, args);
    };
    defineProperty(fn, 'name', { value: exposedName });
    return fn;
  }

  for (const name of parse(globalsJson)) G[name] = primitiveFunction(name, name);

  const aliases = parse(aliasesJson);
  for (const path of Object.keys(aliases)) {
    const parts = path.split('.');
    let holder = G;
    for (const part of parts.slice(0, -1)) {
      if (holder[part] === null || typeof holder[part] !== 'object') holder[part] = {};
      holder = holder[part];
    }
    const last = parts[parts.length - 1];
    holder[last] = primitiveFunction(last, aliases[path]);
  }

  // Nothing to share memory with and nothing to observe garbage collection with: keep runs deterministic.
  for (const name of ['SharedArrayBuffer', 'Atomics', 'WebAssembly', 'WeakRef', 'FinalizationRegistry']) delete G[name];

  // Called by the host (never reachable from the guest) to turn whatever the program threw into JSON.
  return function describe(thrown) {
    const origin = apply(getOrigin, origins, [thrown]);
    if (origin) return stringify({ fromPrimitive: true, name: 'Error', message: toString(origin.message), kind: origin.kind, primitive: origin.primitive, line: origin.line });
    let name = '';
    let message;
    let stack;
    try {
      if (thrown !== null && typeof thrown === 'object') {
        name = typeof thrown.name === 'string' ? thrown.name : '';
        message = typeof thrown.message === 'string' ? thrown.message : stringify(thrown);
        stack = typeof thrown.stack === 'string' ? thrown.stack : undefined;
      } else {
        message = toString(thrown);
      }
    } catch (err) {
      message = 'the program threw a value that cannot be described';
    }
    return stringify({ fromPrimitive: false, name, message: toString(message), stack, line: lineOf(stack) });
  };
})`;
