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
//
// Call payloads: '[' + JSON arguments, where NaN, Infinity and -Infinity (which JSON would turn into
// null) travel as {"$number": "NaN"} and functions, symbols and bigints as {"$unserialisable": type};
// or, when the arguments are larger or deeper than the limits allow, '!' + JSON {reason, chars?, depth?}
// instead of the arguments: they are measured while they are encoded and never cross to the host.

export const GUEST_PRELUDE = String.raw`(function (hostCall, programFile, globalsJson, aliasesJson, limitsJson) {
  'use strict';
  const G = globalThis;
  const stringify = JSON.stringify;
  const parse = JSON.parse;
  const toString = String;
  const ErrorCtor = Error;
  const TypeErrorCtor = TypeError;
  const InternalErrorCtor = G.InternalError;
  const MapCtor = Map;
  const mapGet = Map.prototype.get;
  const mapSet = Map.prototype.set;
  const isFinite = Number.isFinite;
  const apply = Reflect.apply;
  const defineProperty = Object.defineProperty;
  const exec = RegExp.prototype.exec;
  const sliceString = String.prototype.slice;
  const origins = new WeakMap();
  const getOrigin = WeakMap.prototype.get;
  const setOrigin = WeakMap.prototype.set;
  const lineInProgram = new RegExp(programFile.split('.').join('\\.') + ':(\\d+)');
  const limits = parse(limitsJson);

  // QuickJS stacks read "    at fn (program.ts:LINE:COL)"; the first program frame is the innermost one,
  // i.e. the primitive call itself even when it sits inside a callback or a skill.
  function lineOf(stack) {
    if (typeof stack !== 'string') return undefined;
    const match = apply(exec, lineInProgram, [stack]);
    return match ? +match[1] : undefined;
  }

  // Thrown out of the replacer to stop encoding as soon as a limit is passed.
  const TOO_BIG = {};

  /** The arguments as the call payload (see the protocol above). */
  function encodeArgs(primitive, args) {
    let count = args.length;
    while (count > 0 && args[count - 1] === undefined) count--;
    args.length = count;
    // Measured while JSON.stringify walks the arguments, so a huge or deep value is refused before its
    // JSON is built (or the engine recurses into it); depth by holder, since the replacer sees each holder as this.
    const depths = new MapCtor();
    let chars = 0;
    let refused = null;
    function replacer(key, value) {
      chars += key.length + 4;
      const type = typeof value;
      if (type === 'string') chars += value.length + 2;
      else if (type === 'number') {
        chars += 8;
        if (!isFinite(value)) return { $number: value !== value ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
      } else if (type === 'function' || type === 'symbol' || type === 'bigint') return { $unserialisable: type };
      else if (value !== null && type === 'object') {
        const above = apply(mapGet, depths, [this]);
        const depth = above === undefined ? 0 : above + 1;
        if (depth > limits.argDepth) {
          refused = { reason: 'depth', depth };
          throw TOO_BIG;
        }
        apply(mapSet, depths, [value, depth]);
      }
      if (chars > limits.argChars) {
        refused = { reason: 'size', chars };
        throw TOO_BIG;
      }
      return value;
    }
    let json;
    try {
      json = stringify(args, replacer);
    } catch (err) {
      if (err === TOO_BIG) return '!' + stringify(refused);
      // Out of memory or stack: the program's own resource failure, reported as such.
      if (err === null || err === undefined || (InternalErrorCtor && err instanceof InternalErrorCtor)) throw err;
      throw new TypeErrorCtor(primitive + '(): arguments must be plain data (' + toString(err && err.message) + ')');
    }
    // Escapes make JSON longer than the measure (a newline is two characters): the real length decides.
    if (json.length > limits.argChars) return '!' + stringify({ reason: 'size', chars: json.length });
    return json;
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

  // The API cannot be replaced or shadowed by the program or a skill: assigning to it fails (a TypeError in
  // strict code), and a global function declaration of the same name fails before its script runs.
  const fixedOnGlobal = new Set();
  const setAdd = Set.prototype.add;
  const setHas = Set.prototype.has;
  const fixed = (holder, key, value) => {
    defineProperty(holder, key, { value, writable: false, enumerable: true, configurable: false });
    if (holder === G) apply(setAdd, fixedOnGlobal, [key]);
  };
  const isFixed = (target, key) => target === G && typeof key === 'string' && apply(setHas, fixedOnGlobal, [key]);
  const propertyKey = (key) => (typeof key === 'symbol' ? key : toString(key));
  for (const name of parse(globalsJson)) fixed(G, name, primitiveFunction(name, name));

  const aliases = parse(aliasesJson);
  for (const path of Object.keys(aliases)) {
    const parts = path.split('.');
    let holder = G;
    for (const part of parts.slice(0, -1)) {
      if (holder[part] === null || typeof holder[part] !== 'object') fixed(holder, part, {});
      else if (holder === G) fixed(G, part, holder[part]);
      holder = holder[part];
    }
    const last = parts[parts.length - 1];
    fixed(holder, last, primitiveFunction(last, aliases[path]));
  }

  // QuickJS lets Object.defineProperty redefine a non-configurable property of the global object, so the
  // three ways to define one check the API's names first (the originals stay in this closure only).
  const ownKeys = Reflect.ownKeys;
  const getOwnDescriptor = Object.getOwnPropertyDescriptor;
  const reflectDefine = Reflect.defineProperty;
  const defineProperties = Object.defineProperties;
  const refuse = (key) => new TypeErrorCtor("'" + toString(key) + "' is part of the robot API and cannot be redefined");
  function guardedDefineProperty(target, key, descriptor) {
    const k = propertyKey(key);
    if (isFixed(target, k)) throw refuse(k);
    return defineProperty(target, k, descriptor);
  }
  function guardedReflectDefine(target, key, descriptor) {
    const k = propertyKey(key);
    if (isFixed(target, k)) return false;
    return reflectDefine(target, k, descriptor);
  }
  function guardedDefineProperties(target, properties) {
    if (target !== G) return defineProperties(target, properties);
    // Read once into a plain object, so the names checked are the names defined.
    const copy = {};
    for (const k of ownKeys(properties)) {
      const own = getOwnDescriptor(properties, k);
      if (!own || !own.enumerable) continue;
      if (isFixed(target, k)) throw refuse(k);
      defineProperty(copy, k, { value: properties[k], enumerable: true, writable: true, configurable: true });
    }
    return defineProperties(target, copy);
  }
  defineProperty(guardedDefineProperty, 'name', { value: 'defineProperty' });
  defineProperty(guardedReflectDefine, 'name', { value: 'defineProperty' });
  defineProperty(guardedDefineProperties, 'name', { value: 'defineProperties' });
  Object.defineProperty = guardedDefineProperty;
  Object.defineProperties = guardedDefineProperties;
  Reflect.defineProperty = guardedReflectDefine;

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
    // A thrown value can be as big as the guest's memory: the host gets the start of it.
    const cap = (text, max) => (typeof text === 'string' && text.length > max ? apply(sliceString, text, [0, max]) + '… (' + text.length + ' characters)' : text);
    return stringify({ fromPrimitive: false, name: cap(name, 100), message: cap(toString(message), 4000), stack: cap(stack, 4000), line: lineOf(stack) });
  };
})`;
