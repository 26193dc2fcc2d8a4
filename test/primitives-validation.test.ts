import { describe, expect, it } from 'vitest';
import { parseArgs } from '../primitives/define.ts';
import { apiText, generateDts, primitivesFor } from '../primitives/index.ts';
import { TABLETOP_WORLD } from '../primitives/tabletop/world.ts';
import { WandError } from '../src/core/errors.ts';

const tabletop = primitivesFor('tabletop');
const prim = (name: string) => tabletop.find((p) => p.name === name)!;

function rejection(name: string, args: unknown[]): WandError {
  try {
    parseArgs(prim(name), args);
  } catch (err) {
    expect(err).toBeInstanceOf(WandError);
    return err as WandError;
  }
  throw new Error(`${name}(${JSON.stringify(args)}) was accepted`);
}

describe('primitive argument validation', () => {
  it('accepts well-formed arguments and maps them to parameter names', () => {
    expect(parseArgs(prim('pick'), ['red block'])).toEqual({ name: 'red block' });
    expect(parseArgs(prim('place'), [{ x: 0.5, y: 0.1 }])).toEqual({ target: { x: 0.5, y: 0.1 } });
    expect(parseArgs(prim('putOn'), ['red block', 'blue bowl'])).toEqual({ object: 'red block', target: 'blue bowl' });
    expect(parseArgs(prim('moveTo'), [{ x: 0.5, y: 0, z: 0.2 }])).toEqual({ p: { x: 0.5, y: 0, z: 0.2 } });
    expect(parseArgs(prim('print'), [1, 'a', { b: 2 }])).toEqual({ values: [1, 'a', { b: 2 }] });
    expect(parseArgs(prim('wait'), [1.5])).toEqual({ seconds: 1.5 });
  });

  const cases: [string, unknown[], RegExp][] = [
    ['pick', [42], /pick\(name\): bad argument 'name': expected string, got number 42/],
    ['pick', [], /pick\(name\): bad argument 'name': expected string, got nothing/],
    ['pick', [''], /pick\(name\).*non-empty/],
    ['pick', ['a', 'b'], /pick\(name\) takes 1 argument, got 2/],
    ['place', [{ x: 0.5 }], /place\(target\): bad argument 'target': expected string \| \{ x: number; y: number; z\?: number \}, got the object/],
    ['place', [{ x: 'near', y: 0 }], /place\(target\): bad argument 'target'/],
    ['place', [null], /expected string \| \{ x: number; y: number; z\?: number \}, got null/],
    ['place', [''], /place\(target\): bad argument 'target'.*got the string "" \(a non-empty name\)/],
    ['putOn', ['red block'], /putOn\(object, target\): bad argument 'target'/],
    ['moveTo', [[0.5, 0, 0.2]], /moveTo\(p\): bad argument 'p': expected \{ x: number; y: number; z\?: number \}, got an array/],
    ['moveTo', [{ x: 0.5, y: 0, z: Infinity }], /moveTo\(p\): bad argument 'p'/],
    ['getObject', [{ name: 'red block' }], /getObject\(name\): bad argument 'name': expected string/],
    ['namedPosition', [3], /namedPosition\(name\): bad argument 'name': expected string/],
    ['wait', ['1'], /wait\(seconds\): bad argument 'seconds': expected number, got the string "1"/],
    ['wait', [-1], /wait\(seconds\): bad argument 'seconds'/],
    ['wait', [3600], /at most 60 seconds/],
    ['home', [1], /home\(\) takes 0 arguments, got 1/],
    ['openGripper', [true], /openGripper\(\) takes 0 arguments/],
    ['closeGripper', [1], /closeGripper\(\) takes 0 arguments/],
    ['holding', ['x'], /holding\(\) takes 0 arguments/],
    ['getObjects', ['x'], /getObjects\(\) takes 0 arguments/],
    ['getObjectNames', [1], /getObjectNames\(\) takes 0 arguments/],
    ['say', ['a', 'b'], /say\(text\) takes 1 argument, got 2/],
    ['isOn', ['red block'], /isOn\(object, target\): bad argument 'target'/],
    ['distanceBetween', ['red block', 7], /distanceBetween\(a, b\): bad argument 'b': expected string \| \{ x: number; y: number; z\?: number \}/],
    ['relationsOf', [null], /relationsOf\(name\): bad argument 'name': expected string, got null/],
  ];
  it.each(cases)('%s(%j) is rejected, naming the primitive, the argument and what is allowed', (name, args, pattern) => {
    const err = rejection(name, args);
    expect(err.kind).toBe('validation');
    expect(err.primitive).toBe(name);
    expect(err.message).toMatch(pattern);
  });

  it('covers every tabletop primitive', () => {
    const tested = new Set(cases.map(([n]) => n).concat(['print']));
    expect(tabletop.map((p) => p.name).filter((n) => !tested.has(n))).toEqual([]);
  });

  it('namedPosition does not take Object.prototype keys for positions', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty']) {
      const ctx = { backend: { world: () => TABLETOP_WORLD } } as never;
      expect(() => prim('namedPosition').run(ctx, { name })).toThrow(/no position named/);
    }
  });
});

describe('generated API text', () => {
  it('declares every primitive in the .d.ts with its doc line and named shapes', () => {
    const dts = generateDts(tabletop);
    for (const p of tabletop) {
      expect(dts).toContain(`declare function ${p.name}(`);
      expect(dts).toContain(`/** ${p.doc} */`);
    }
    expect(dts).toContain('type Vec3 = { x: number; y: number; z: number };');
    expect(dts).toContain('type Point = { x: number; y: number; z?: number };');
    expect(dts).toContain('declare function place(target: string | Point): void;');
    expect(dts).toContain('declare function print(...values: unknown[]): void;');
    expect(dts).toContain('declare const console');
  });

  it('gives the model one compact line per primitive', () => {
    const text = apiText(tabletop);
    for (const p of tabletop) expect(text).toContain(`${p.name}(`);
    // One line per named type (Vec3, Point, ObjectInfo, Color), then one per primitive.
    expect(text.split('\n').length).toBe(tabletop.length + 4);
  });
});
