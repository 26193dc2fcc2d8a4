import { beforeAll, describe, expect, it } from 'vitest';
import { generateDts, primitivesFor } from '../primitives/index.ts';
import { ProgramChecker, composeProgram } from '../src/check/index.ts';
import { hoistable } from '../src/check/helpers.ts';

const checker = new ProgramChecker(generateDts(primitivesFor('tabletop')));
beforeAll(() => checker.warm());

describe('program checks', () => {
  it('passes a correct program and reports wrong arguments with their line', async () => {
    expect((await checker.check("const b = getObjectNames().filter((n) => n.endsWith('block'));\nfor (const n of b) putOn(n, 'middle');")).ok).toBe(true);
    const r = await checker.check("pick('red block');\nplace(42);");
    expect(r.ok).toBe(false);
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 2345, source: 'type' })]);
    expect(r.diagnostics[0]!.message).toContain("'string | Point'");
  });

  it('accepts plain JavaScript idioms and TypeScript annotations', async () => {
    expect((await checker.check('const o = {};\no.count = 1;\nprint(o.count);')).ok).toBe(true);
    const ts = await checker.check('const n: number = getObjects().length;\nprint(n);');
    expect(ts).toMatchObject({ ok: true, language: 'ts' });
  });

  it('rejects what is outside the whitelist, once per reason', async () => {
    const r = await checker.check("import fs from 'fs';\nrequire('x');\neval('1');\nnew Function('return 1');\nglobalThis.pick('a');\nprocess.exit(1);\nsetTimeout(() => 0, 1);\n[].constructor;");
    expect(r.diagnostics.map((d) => [d.line, d.source])).toEqual([
      [1, 'whitelist'],
      [2, 'whitelist'],
      [3, 'whitelist'],
      [4, 'whitelist'],
      [5, 'whitelist'],
      [6, 'whitelist'],
      [7, 'whitelist'],
      [8, 'whitelist'],
    ]);
    expect(r.diagnostics[6]!.message).toContain('wait(seconds)');
  });

  it('rejects array callbacks that are async unless Promise.all awaits them', async () => {
    const r = await checker.check("const bs = getObjects();\nbs.forEach(async (b) => { await pick(b.name); });\nconst done = bs.map(async function (b) { await pick(b.name); });");
    expect(r.diagnostics.map((d) => [d.line, d.source])).toEqual([
      [2, 'whitelist'],
      [3, 'whitelist'],
    ]);
    expect(r.diagnostics[0]!.message).toMatch(/\.forEach\(\) does not wait for an async callback.*for\.\.\.of/);
    expect((await checker.check('await Promise.all(getObjects().map(async (b) => { await pick(b.name); }));')).ok).toBe(true);
    expect((await checker.check("getObjects().forEach((b) => putOn(b.name, 'middle'));")).ok).toBe(true);
  });

  it('lists undefined helpers but treats a near-miss of an API name as a typo', async () => {
    const r = await checker.check("const pts = pointsOnLine(namedPosition('top left corner'), namedPosition('middle'), 3);\npickUp('red block');", {
      allowMissing: true,
    });
    expect(r.missing.map((m) => m.name)).toEqual(['pointsOnLine']);
    expect(r.missing[0]!.calls[0]).toContain("pointsOnLine(namedPosition('top left corner')");
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 2552 })]);
    expect((await checker.check('stackAll();')).diagnostics[0]!.message).toContain("Cannot find name 'stackAll'");
  });

  it('composes helpers after the program so its line numbers stay put', async () => {
    const helper = hoistable('const twice = (n) => n * 2;');
    expect(helper).toMatch(/^function twice\(n\) \{\s+return n \* 2;\s+\}$/);
    const composed = composeProgram('print(twice(2));\nplace(1);', [helper]);
    const r = await checker.check(composed);
    expect(r.diagnostics).toEqual([expect.objectContaining({ line: 2, code: 2345 })]);
  });
});

describe('what the sandbox allows', () => {
  it('accepts top-level return and await, since programs run as an async function body', async () => {
    expect((await checker.check("if (!getObjectNames().length) return;\nawait pick('red block');")).diagnostics).toEqual([]);
  });
});
