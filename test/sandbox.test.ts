import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WandError, type ErrorInfo } from '../src/core/errors.ts';
import { runInSandbox, transpile, warmUp, type GuestCall, type RunOptions, type SandboxResult } from '../src/sandbox/index.ts';

const GLOBALS = ['pick', 'place', 'putOn', 'print', 'getObjects', 'fail', 'hang'];
const OBJECTS = [
  { name: 'red block', color: 'red', position: { x: 0.4, y: 0.1, z: 0.02 } },
  { name: 'blue block', color: 'blue', position: { x: 0.5, y: -0.1, z: 0.02 } },
];

interface Host {
  received: GuestCall[];
  printed: unknown[][];
  signals: AbortSignal[];
  onCall: RunOptions['onCall'];
}

/** A fake robot: getObjects returns data, fail(kind, message) rejects with a WandError, hang never answers. */
function fakeHost(): Host {
  const host: Host = {
    received: [],
    printed: [],
    signals: [],
    async onCall(call, signal) {
      host.received.push(call);
      host.signals.push(signal);
      switch (call.name) {
        case 'getObjects':
          return OBJECTS;
        case 'print':
          host.printed.push(call.args);
          return undefined;
        case 'fail':
          throw new WandError(call.args[0] as ErrorInfo['kind'], String(call.args[1] ?? 'it failed'));
        case 'hang':
          return new Promise(() => {});
        default:
          return { ok: true };
      }
    },
  };
  return host;
}

async function run(code: string, extra: Partial<RunOptions> = {}): Promise<SandboxResult & Host> {
  const host = fakeHost();
  const result = await runInSandbox({ code, globals: GLOBALS, onCall: host.onCall, ...extra });
  return { ...result, ...host };
}

const names = (calls: GuestCall[]) => calls.map((c) => [c.name, ...c.args]);

beforeAll(async () => {
  await warmUp();
});

describe('sandbox: programs', () => {
  it('runs calls in order without await', async () => {
    const r = await run(`pick('red block');\nplace('blue bowl');`);
    expect(r).toMatchObject({ ok: true, error: null, calls: 2 });
    expect(r.received.map((c) => [c.name, c.args, c.line])).toEqual([
      ['pick', ['red block'], 1],
      ['place', ['blue bowl'], 2],
    ]);
  });

  it('runs the same calls with await, including top-level await and Promise.all', async () => {
    const r = await run(`await pick('red block');\nawait place('blue bowl');\nawait Promise.all([pick('a'), place('b')]);`);
    expect(r.ok).toBe(true);
    expect(names(r.received)).toEqual([['pick', 'red block'], ['place', 'blue bowl'], ['pick', 'a'], ['place', 'b']]);
  });

  it('runs calls made in forEach callbacks one after another, in order', async () => {
    const r = await run(`const blocks = getObjects();\nblocks.forEach(b => putOn(b.name, 'middle'));\nfor (const b of blocks) await putOn(b.name, 'corner');`);
    expect(r.ok).toBe(true);
    expect(r.received.map((c) => [c.name, ...c.args, c.line])).toEqual([
      ['getObjects', 1],
      ['putOn', 'red block', 'middle', 2],
      ['putOn', 'blue block', 'middle', 2],
      ['putOn', 'red block', 'corner', 3],
      ['putOn', 'blue block', 'corner', 3],
    ]);
  });

  it('runs what async callbacks left pending before the run counts as finished', async () => {
    const r = await run(`getObjects().forEach(async (b) => {\n  await pick(b.name);\n  await place('middle');\n});\nprint('looped');`);
    expect(r.ok).toBe(true);
    expect(names(r.received)).toEqual([
      ['getObjects'],
      ['pick', 'red block'],
      ['pick', 'blue block'],
      ['print', 'looped'],
      ['place', 'middle'],
      ['place', 'middle'],
    ]);
  });

  it('runs TypeScript: annotations, interfaces, casts, generics, enums', async () => {
    const code = [
      'interface Obj { name: string; color: string }',
      'type Pair<T> = [T, T];',
      'enum Side { Left, Right }',
      'const objs = getObjects() as Obj[];',
      'function first<T>(xs: T[]): T { return xs[0]!; }',
      'const pair: Pair<string> = [first(objs).name, objs[1]!.color];',
      'print(pair, Side.Right);',
    ].join('\n');
    const r = await run(code);
    expect(r.error).toBeNull();
    expect(r.printed).toEqual([[['red block', 'blue'], 1]]);
  });

  it('gives primitive results as guest data whose constructors are guest intrinsics', async () => {
    const r = await run(
      `const objs = getObjects();\nprint(Array.isArray(objs), objs[0].constructor === Object, objs.constructor === Array, Object.getPrototypeOf(objs[0].position) === Object.prototype, objs[1].position.x);`,
    );
    expect(r.printed).toEqual([[true, true, true, true, 0.5]]);
  });

  it('sends arguments as JSON: trailing undefined dropped, undefined -> null, NaN kept, functions and symbols marked', async () => {
    const r = await run(
      `pick('a', undefined);\npick(undefined, 'b');\npick({ a: undefined, b: [1, undefined, NaN] });\npick(() => 1, Symbol('s'), 10n);\npick(new Date(0));`,
    );
    expect(r.ok).toBe(true);
    expect(r.received.map((c) => c.args)).toEqual([
      ['a'],
      [null, 'b'],
      [{ b: [1, null, NaN] }],
      [{ $unserialisable: 'function' }, { $unserialisable: 'symbol' }, { $unserialisable: 'bigint' }],
      ['1970-01-01T00:00:00.000Z'],
    ]);
  });

  it('maps console.log/info/warn/error to print', async () => {
    const r = await run(`console.log('a', 1);\nconsole.info('b');\nconsole.warn('c');\nconsole.error('d');`);
    expect(r.printed).toEqual([['a', 1], ['b'], ['c'], ['d']]);
    expect(r.received.map((c) => c.name)).toEqual(['print', 'print', 'print', 'print']);
  });

  it('honours custom aliases', async () => {
    const r = await run(`robot.arm.grab('x');`, { aliases: { 'robot.arm.grab': 'pick' } });
    expect(r.ok).toBe(true);
    expect(names(r.received)).toEqual([['pick', 'x']]);
  });

  it('evaluates the prelude first; calls inside its functions report the program line that called them', async () => {
    const prelude = `function stack(a, b) {\n  pick(a);\n  place(b);\n}`;
    const r = await run(`print('start');\nstack('red block', 'blue block');`, { prelude });
    expect(r.ok).toBe(true);
    expect(r.received.map((c) => [c.name, c.line])).toEqual([
      ['print', 1],
      ['pick', 2],
      ['place', 2],
    ]);
  });

  it('runs several sandboxes at once, each with its own host', async () => {
    const results = await Promise.all(
      [0, 1, 2].map((i) => run(`for (let k = 0; k < 20; k++) pick('p${i}-' + k);\nprint(${i});`)),
    );
    results.forEach((r, i) => {
      expect(r.ok).toBe(true);
      expect(r.received).toHaveLength(21);
      expect(r.received.slice(0, 20).every((c, k) => c.args[0] === `p${i}-${k}`)).toBe(true);
      expect(r.printed).toEqual([[i]]);
    });
  });
});

describe('sandbox: errors carry the line of the program', () => {
  it('throws a catchable error for a non-fatal primitive failure, with kind, primitive and message', async () => {
    const r = await run(
      `try {\n  fail('unknown_object', 'no object named "green block"');\n} catch (e) {\n  print(e instanceof Error, e.kind, e.primitive, e.message, e.line);\n}\nplace('after');`,
    );
    expect(r.ok).toBe(true);
    expect(r.printed).toEqual([[true, 'unknown_object', 'fail', 'no object named "green block"', 2]]);
    expect(r.received.at(-1)?.name).toBe('place');
  });

  it('reports an uncaught primitive error with its kind, primitive and the line of the call', async () => {
    const r = await run(`pick('a');\n\nconst objs = getObjects();\nobjs.forEach(o => {\n  fail('physical', 'grasp missed');\n});`);
    expect(r.ok).toBe(false);
    expect(r.error).toEqual({ kind: 'physical', message: 'grasp missed', primitive: 'fail', line: 5 });
  });

  it('turns a non-WandError rejection into kind runtime', async () => {
    const r = await runInSandbox({
      code: `\npick('x')`,
      globals: ['pick'],
      onCall: async () => {
        throw new TypeError('host bug');
      },
    });
    expect(r.error).toEqual({ kind: 'runtime', message: 'host bug', primitive: 'pick', line: 2 });
  });

  it('reports errors thrown by the program itself with their line', async () => {
    const cases: [string, Partial<ErrorInfo>][] = [
      [`pick('a');\nconst o = null;\no.x;`, { kind: 'runtime', line: 3, message: expect.stringContaining('TypeError') }],
      [`\n\nnotDefined();`, { kind: 'runtime', line: 3, message: expect.stringContaining('ReferenceError') }],
      [`let n: number = 1;\nthrow new Error('custom failure');`, { kind: 'runtime', line: 2, message: 'custom failure' }],
      [`[1, 2].map(x => {\n  if (x === 2) throw new RangeError('two');\n});`, { kind: 'runtime', line: 2, message: 'RangeError: two' }],
      [`async function f() {\n  await pick('a');\n  undefinedThing.go();\n}\nawait f();`, { kind: 'runtime', line: 3 }],
      [`throw 'plain string';`, { kind: 'runtime', message: 'plain string' }],
    ];
    for (const [code, expected] of cases) {
      const r = await run(code);
      expect(r.ok, code).toBe(false);
      expect(r.error, code).toMatchObject(expected);
    }
  });

  it('reports syntax errors with their line, from sucrase and from QuickJS', async () => {
    const sucrase = await run(`pick('a');\nlet x = ;`);
    expect(sucrase.error).toMatchObject({ kind: 'syntax', line: 2 });
    expect(sucrase.received).toHaveLength(0);
    const quickjs = await run(`pick('a');\nlet y = 1;\nlet y = 2;`);
    expect(quickjs.error).toMatchObject({ kind: 'syntax', line: 3 });
    expect(quickjs.received).toHaveLength(0);
    const imported = await run(`\nimport fs from 'fs';\nfs.readFileSync('/etc/passwd');`);
    expect(imported.error).toMatchObject({ kind: 'syntax', line: 2, message: expect.stringContaining('import/export are not available') });
  });

  it('keeps line numbers when transpiling TypeScript', () => {
    const source = `interface A {\n  a: number;\n}\nconst x: A = { a: 1 } as A;\npick(x.a as number);\n`;
    const js = transpile(source);
    expect(js.split('\n')).toHaveLength(source.split('\n').length);
    expect(js.split('\n')[4]).toContain('pick(x.a');
  });

  it('makes fatal primitive errors uncatchable: the program ends at the call', async () => {
    for (const kind of ['safety', 'connection', 'aborted'] as const) {
      const r = await run(`try {\n  fail('${kind}', 'stop now');\n} catch (e) {\n  print('caught');\n}\nplace('after');`);
      expect(r.error).toEqual({ kind, message: 'stop now', primitive: 'fail', line: 2 });
      expect(r.received.map((c) => c.name)).toEqual(['fail']);
    }
  });

  it('ends a program that keeps catching a fatal error in a loop', async () => {
    const started = Date.now();
    const r = await run(`while (true) {\n  try { fail('safety', 'envelope'); } catch {}\n  try { pick('x'); } catch {}\n}`);
    expect(r.error).toMatchObject({ kind: 'safety', line: 2 });
    expect(r.received.map((c) => c.name)).toEqual(['fail']);
    expect(Date.now() - started).toBeLessThan(2000);
  });
});

describe('sandbox: limits', () => {
  // Every limit must leave the host able to run the next program at once.
  afterEach(async () => {
    const r = await run(`print(getObjects().length)`);
    expect(r.ok).toBe(true);
    expect(r.printed).toEqual([[2]]);
  });

  it('ends a runaway loop with kind timeout', async () => {
    const started = Date.now();
    const r = await run(`let i = 0;\nwhile (true) { i++; }`, { limits: { timeoutMs: 300 } });
    expect(r.error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('0.3 s') });
    // Wall-clock bounds here only catch a hang (≥ 5x the time it takes); the real figures are in bench/sandbox.ts.
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends a never-settling promise at once with kind timeout and says why', async () => {
    const started = Date.now();
    const r = await run(`pick('a');\nawait new Promise(() => {});\nplace('b');`);
    expect(r.error).toMatchObject({ kind: 'timeout', message: expect.stringContaining('can never finish') });
    expect(names(r.received)).toEqual([['pick', 'a']]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('counts time spent inside a primitive and aborts its signal at the deadline', async () => {
    const started = Date.now();
    const r = await run(`pick('a');\nhang();`, { limits: { timeoutMs: 300 } });
    expect(r.error).toMatchObject({ kind: 'timeout', primitive: 'hang', line: 2 });
    expect(r.signals[1]?.aborted).toBe(true);
    expect(r.signals[1]?.reason).toBeInstanceOf(WandError);
    expect(Date.now() - started).toBeLessThan(3000);
  });

  it('ends unbounded array growth with kind memory', async () => {
    const r = await run(`let a = [];\nwhile (1) a.push(new Array(1e6).fill(1));`);
    expect(r.error).toMatchObject({ kind: 'memory', line: 2 });
  });

  it('ends huge strings and string doubling with kind memory', async () => {
    const huge = await run(`const s = 'x'.repeat(2 ** 28);\nprint(s.length);`);
    expect(huge.error).toMatchObject({ kind: 'memory', line: 1 });
    const doubling = await run(`let s = 'x';\nwhile (true) s = s + s;`);
    expect(doubling.error).toMatchObject({ kind: 'memory', line: 2 });
    const big = await run(`const parts = [];\nfor (let i = 0; i < 1000; i++) parts.push('y'.repeat(1 << 20) + i);`, {
      limits: { memoryBytes: 32 * 1024 * 1024 },
    });
    expect(big.error).toMatchObject({ kind: 'memory', line: 2 });
  });

  it('ends unbounded recursion with kind stack', async () => {
    const r = await run(`function down(n) {\n  return down(n + 1) + 1;\n}\ndown(0);`);
    expect(r.error).toMatchObject({ kind: 'stack', line: 2 });
    const deep = await run(`function down(n) {\n  return down(n + 1) + 1;\n}\ndown(0);`, { limits: { stackBytes: 2 * 1024 * 1024 } });
    expect(deep.error).toMatchObject({ kind: 'stack' });
  });

  it('reports memory even when QuickJS is too short of memory to build its error', async () => {
    const r = await run(`let a = [];\nfor (let i = 0; i < 1e7; i++) a = [a];`);
    expect(r.error).toMatchObject({ kind: 'memory', message: expect.stringContaining('64 MiB') });
  });

  it('ends deep nesting in the parser with kind stack, also when the worker thread overflows first', async () => {
    const parsed = await run(`\nJSON.parse('['.repeat(1e6) + ']'.repeat(1e6));`);
    expect(parsed.error).toMatchObject({ kind: 'stack', line: 2 });
    // With the largest stack budget, nested eval overflows the thread's native stack inside
    // WebAssembly: the instance is discarded and the next run (afterEach) still works.
    const nested = await run(`eval('('.repeat(1e5) + '1' + ')'.repeat(1e5));`, { limits: { stackBytes: 2 * 1024 * 1024 } });
    expect(nested.error).toMatchObject({ kind: 'stack' });
  });

  it('ends a program that makes too many primitive calls', async () => {
    const r = await run(`for (;;) pick('a');`, { limits: { maxCalls: 50 } });
    expect(r.error).toMatchObject({ kind: 'runtime', primitive: 'pick', line: 1, message: expect.stringContaining('more than 50 primitive calls') });
    expect(r.received).toHaveLength(50);
  });

  it('ends an output flood quickly when print rejects with a fatal output error', async () => {
    let bytes = 0;
    const started = Date.now();
    const r = await runInSandbox({
      code: `let i = 0;\nwhile (true) {\n  try { print('spam ' + i++); } catch {}\n}`,
      globals: ['print'],
      onCall: async (call) => {
        bytes += String(call.args[0]).length + 1;
        if (bytes > 50_000) throw new WandError('output', 'the program printed too much; it was stopped');
      },
    });
    expect(r.error).toEqual({ kind: 'output', message: 'the program printed too much; it was stopped', primitive: 'print', line: 3 });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('stops at once on an external abort during a primitive, aborting its signal', async () => {
    const controller = new AbortController();
    const host = fakeHost();
    const started = Date.now();
    const result = await runInSandbox({
      code: `pick('a');\nhang();\nplace('b');`,
      globals: GLOBALS,
      signal: controller.signal,
      onCall: (call, signal) => {
        if (call.name === 'hang') setTimeout(() => controller.abort(), 20);
        return host.onCall(call, signal);
      },
    });
    expect(result.error).toMatchObject({ kind: 'aborted', primitive: 'hang', line: 2 });
    expect(host.signals[1]?.aborted).toBe(true);
    expect(names(host.received)).toEqual([['pick', 'a'], ['hang']]);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops a busy program on abort, and reports the WandError given as the reason', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort(new WandError('safety', 'e-stop pressed')), 50);
    const started = Date.now();
    const r = await run(`while (true) {}`, { signal: controller.signal });
    expect(r.error).toEqual({ kind: 'safety', message: 'e-stop pressed' });
    expect(Date.now() - started).toBeLessThan(1000);
    const already = await run(`pick('a')`, { signal: AbortSignal.abort() });
    expect(already.error).toMatchObject({ kind: 'aborted' });
    expect(already.received).toHaveLength(0);
  });

  it('terminates a guest that does not reach an interrupt check, and the next run still works', async () => {
    // A native sort of a large array runs without polling QuickJS's interrupt handler.
    const started = Date.now();
    const r = await run(`const a = [];\nfor (let i = 0; i < 6e5; i++) a.push((i * 7919) % 6e5);\nwhile (true) a.slice().sort();`, {
      limits: { timeoutMs: 300 },
    });
    expect(r.error).toMatchObject({ kind: 'timeout' });
    expect(Date.now() - started).toBeLessThan(5000);
  });
});

describe('sandbox: nothing from the host reaches the guest', () => {
  beforeAll(() => {
    (globalThis as Record<string, unknown>).__wandCanary = { secret: 42 };
  });

  /** Run code that prints one value per probe; returns what was printed. */
  async function probe(code: string): Promise<unknown[]> {
    const r = await run(code);
    expect(r.error, code).toBeNull();
    return r.printed.map((args) => args[0]);
  }

  it('has no Node, host or shared-memory globals', async () => {
    const names = [
      'process', 'require', 'module', 'exports', 'Buffer', 'fetch', 'setTimeout', 'setInterval', 'setImmediate',
      'queueMicrotask', 'WebAssembly', 'SharedArrayBuffer', 'Atomics', 'WeakRef', 'FinalizationRegistry',
      'hostCall', '__call', '__wandCanary', 'global', 'std', 'os',
    ];
    const printed = await probe(names.map((n) => `print(typeof globalThis.${n});`).join('\n'));
    expect(printed).toEqual(names.map(() => 'undefined'));
  });

  it('exposes only guest intrinsics and the primitives on the global object', async () => {
    const [own] = await probe(`print(Object.getOwnPropertyNames(globalThis).sort());`);
    const intrinsics = new Set([
      'AggregateError', 'Array', 'ArrayBuffer', 'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date',
      'Error', 'EvalError', 'Float16Array', 'Float32Array', 'Float64Array', 'Function', 'Infinity', 'Int16Array', 'Int32Array',
      'Int8Array', 'InternalError', 'Iterator', 'JSON', 'Map', 'Math', 'NaN', 'Number', 'Object', 'Promise', 'Proxy', 'RangeError',
      'ReferenceError', 'Reflect', 'RegExp', 'Set', 'String', 'Symbol', 'SyntaxError', 'TypeError', 'URIError', 'Uint16Array',
      'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakSet', 'decodeURI', 'decodeURIComponent', 'encodeURI',
      'encodeURIComponent', 'escape', 'eval', 'globalThis', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'undefined', 'unescape',
      'console', ...GLOBALS,
    ]);
    expect((own as string[]).filter((n) => !intrinsics.has(n))).toEqual([]);
  });

  it('blocks constructor-chain escapes', async () => {
    const printed = await probe(
      [
        `try { print(this.constructor.constructor('return typeof process')()); } catch (e) { print(String(e)); }`,
        `print(pick.constructor('return this')() === globalThis);`,
        `print(typeof pick.constructor('return this')().process);`,
        `print(getObjects()[0].constructor.constructor('return typeof process + typeof __wandCanary')());`,
        `print(getObjects().constructor.constructor('return globalThis')() === globalThis);`,
        `print(typeof Function('return globalThis')().process);`,
        `print(typeof eval('typeof require') + ':' + eval('typeof process'));`,
        `print(typeof (async function(){}).constructor('return process'));`,
        `try { print(pick.caller); } catch (e) { print(e.name); }`,
        `try { print(pick.arguments); } catch (e) { print(e.name); }`,
      ].join('\n'),
    );
    expect(printed).toEqual(['undefined', true, 'undefined', 'undefinedundefined', true, 'undefined', 'string:undefined', 'function', 'TypeError', 'TypeError']);
  });

  it('keeps prototype chains of returned values inside the guest', async () => {
    const [chain] = await probe(
      `const chain = [];\nlet p = getObjects()[0];\nwhile (p) { chain.push(Object.getOwnPropertyNames(p).join()); p = Object.getPrototypeOf(p); }\nprint(chain.length === 2 && Object.getPrototypeOf(getObjects()[0]) === ({}).__proto__);`,
    );
    expect(chain).toBe(true);
  });

  it('rejects modules: import(), require, import statements', async () => {
    const dynamic = await run(`pick('a');\nawait import('fs');`);
    expect(dynamic.error).toMatchObject({ kind: 'runtime', line: 2, message: expect.stringContaining('modules cannot be imported') });
    // An import() nobody awaits still fails the run (its rejection alone would go unnoticed).
    const floating = await run(`print(1);\nimport('fs').then((m) => print(m));\nprint(2);`);
    expect(floating.error).toMatchObject({ kind: 'runtime', line: 2, message: expect.stringContaining('modules cannot be imported') });
    expect(floating.printed).toEqual([[1], [2]]);
    const required = await run(`\nconst fs = require('fs');`);
    expect(required.error).toMatchObject({ kind: 'runtime', line: 2, message: expect.stringContaining('require') });
    const imported = await run(`import { readFileSync } from 'node:fs';\nreadFileSync('/etc/passwd');`);
    expect(imported.error).toMatchObject({ kind: 'syntax', line: 1 });
  });

  it('does not let the program find or replace the host function', async () => {
    const printed = await probe(
      [
        `print(Object.getOwnPropertyNames(globalThis).filter(n => /call|host/i.test(n)).length);`,
        `print(typeof globalThis.__call + typeof globalThis.hostCall + typeof call + typeof describe);`,
      ].join('\n'),
    );
    expect(printed).toEqual([0, 'undefinedundefinedundefinedundefined']);
  });

  it('keeps the wrappers working when the program tampers with intrinsics', async () => {
    const r = await run(
      [
        `JSON.stringify = () => '"forged"';`,
        `JSON.parse = () => ({ forged: true });`,
        `String.prototype.slice = () => 'forged';`,
        `RegExp.prototype.exec = () => null;`,
        `Error = function () { return { stack: 'program.ts:999' }; };`,
        `Object.defineProperty(Object.prototype, 'kind', { set() { throw new Error('setter hit'); }, get() { return 'forged'; } });`,
        `Error.prepareStackTrace = () => 'forged';`,
        `const objs = getObjects();`,
        `pick(objs[0].name);`,
        `try { fail('workspace', 'out of reach'); } catch (e) { print(Object.getOwnPropertyDescriptor(e, 'kind').value, e.line); }`,
      ].join('\n'),
    );
    expect(r.error).toBeNull();
    expect(r.received.map((c) => [c.name, c.args, c.line])).toEqual([
      ['getObjects', [], 8],
      ['pick', ['red block'], 9],
      ['fail', ['workspace', 'out of reach'], 10],
      ['print', ['workspace', 10], 10],
    ]);
  });

  it('only sends plain data through Proxy and toJSON tricks', async () => {
    const r = await run(
      [
        `const sneaky = new Proxy({}, {`,
        `  ownKeys: () => ['a'],`,
        `  getOwnPropertyDescriptor: () => ({ value: 1, enumerable: true, configurable: true }),`,
        `  get: (t, k) => (k === 'toJSON' ? undefined : { nested: typeof process }),`,
        `});`,
        `pick(sneaky, { toJSON() { return { via: 'toJSON', caller: typeof this.caller } } });`,
        `print(typeof Symbol.for('nodejs.util.inspect.custom'));`,
      ].join('\n'),
    );
    expect(r.error).toBeNull();
    expect(r.received[0]!.args).toEqual([{ a: { nested: 'undefined' } }, { via: 'toJSON', caller: 'undefined' }]);
    const args = r.received[0]!.args as object[];
    expect(Object.getPrototypeOf(args[0])).toBe(Object.prototype);
  });

  it('drops __proto__ keys from arguments and keeps them inert in results', async () => {
    const received: unknown[][] = [];
    const r = await runInSandbox({
      code: `const got = pick(JSON.parse('{"__proto__": {"polluted": true}, "name": "a"}'));\nprint(got.name, ({}).polluted, Object.getPrototypeOf(got) === Object.prototype);`,
      globals: ['pick', 'print'],
      onCall: async (call) => {
        received.push(call.args);
        if (call.name === 'pick') return JSON.parse('{"__proto__": {"polluted": true}, "name": "b"}');
      },
    });
    expect(r.error).toBeNull();
    expect(received).toEqual([[{ name: 'a' }], ['b', null, true]]);
    expect(Object.getPrototypeOf(received[0]![0])).toBe(Object.prototype);
  });

  it('leaves the host global object and process untouched', async () => {
    const processKeys = Object.keys(process).length;
    const exitCode = process.exitCode;
    const r = await run(
      [
        `try { process.exit(3); } catch (e) { print(e.name); }`,
        `try { globalThis.constructor.constructor('return process')().exitCode = 7; } catch (e) { print(e.name); }`,
        `globalThis.__wandCanary = 'overwritten';`,
        `Object.prototype.polluted = true;`,
        `Array.prototype.push = null;`,
      ].join('\n'),
    );
    expect(r.printed).toEqual([['ReferenceError'], ['ReferenceError']]);
    expect((globalThis as Record<string, unknown>).__wandCanary).toEqual({ secret: 42 });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(typeof [].push).toBe('function');
    expect(Object.keys(process).length).toBe(processKeys);
    expect(process.exitCode).toBe(exitCode);
  });

  it('starts every run in a fresh context', async () => {
    await run(`globalThis.leftover = 1;\nObject.prototype.dirty = 1;\npick = () => 'hijacked';`);
    const [state] = await probe(`print([typeof leftover, ({}).dirty, typeof pick('a')].join());`);
    expect(state).toBe('undefined,,object');
  });
});
