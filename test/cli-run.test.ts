import { describe, expect, it } from 'vitest';
import { sceneFile } from './helpers/tabletop.ts';
import { wand } from './helpers/cli.ts';

const scene = sceneFile([
  { kind: 'bowl', color: 'blue', position: { x: 0.6, y: 0.15 } },
  { kind: 'block', color: 'red', position: { x: 0.4, y: 0.1 } },
]);

describe('wand run', () => {
  it('--json prints exactly one JSON object with the documented shape', async () => {
    const r = await wand(['run', '-', '--scene', scene, '--json'], { stdin: `putOn('red block', 'blue bowl');\nprint(holding());` });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const result = JSON.parse(r.stdout);
    expect(Object.keys(result).sort()).toEqual(['calls', 'error', 'ok', 'output', 'simTimeS', 'state', 'wallTimeMs', 'world'].sort());
    expect(result.ok).toBe(true);
    expect(result.error).toBeNull();
    expect(result.output).toEqual(['null']);
    expect(result.calls).toEqual([
      expect.objectContaining({ primitive: 'putOn', args: ['red block', 'blue bowl'], ok: true, ms: expect.any(Number) }),
      expect.objectContaining({ primitive: 'holding', args: [], ok: true }),
      expect.objectContaining({ primitive: 'print', args: [null], ok: true }),
    ]);
    expect(result.state.holding).toBeNull();
    expect(result.state.robot).toBeTypeOf('object');
    expect(result.state.objects).toHaveLength(2);
    expect(result.state.objects[0]).toEqual({
      name: expect.any(String),
      kind: expect.stringMatching(/^(block|bowl)$/),
      color: expect.any(String),
      position: { x: expect.any(Number), y: expect.any(Number), z: expect.any(Number) },
      size: { x: expect.any(Number), y: expect.any(Number), z: expect.any(Number) },
    });
    expect(result.world.name).toBe('tabletop');
    expect(result.world.bounds).toEqual({ x: [0.2, 0.8], y: [-0.3, 0.3], z: [0, 0.5] });
    expect(result.world.namedPositions['top left corner']).toEqual({ x: 0.75, y: 0.25, z: 0 });
    expect(result.simTimeS).toBeGreaterThan(0);
  });

  it('exits 1 with the error, its kind and line when the program fails', async () => {
    const r = await wand(['run', '-', '--scene', scene, '--json'], { stdin: `\n\nthrow new Error('nope');` });
    expect(r.code).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.ok).toBe(false);
    expect(result.error).toMatchObject({ kind: 'runtime', line: 3 });
    expect(result.error.message).toContain('nope');
  });

  it('prints a readable report without --json', async () => {
    const r = await wand(['run', 'examples/matching-bowls.ts', '--scene', 'examples/scene.json']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Calls \(\d+\):/);
    expect(r.stdout).toContain('putOn("blue block", "blue bowl")');
    expect(r.stdout).toContain('say: There is no green bowl for the green block.');
    expect(r.stdout).toMatch(/Outcome: completed/);
    expect(r.stdout).toMatch(/Final positions:\n\s+blue bowl/);
  });

  it('generates a random scene from --seed with --blocks and --bowls', async () => {
    const r = await wand(['run', '-', '--seed', '7', '--blocks', '3', '--bowls', '2', '--json'], { stdin: 'print(getObjectNames())' });
    const result = JSON.parse(r.stdout);
    expect(result.state.objects.filter((o: { kind: string }) => o.kind === 'block')).toHaveLength(3);
    expect(result.state.objects.filter((o: { kind: string }) => o.kind === 'bowl')).toHaveLength(2);
    const again = JSON.parse((await wand(['run', '-', '--seed', '7', '--blocks', '3', '--bowls', '2', '--json'], { stdin: 'print(getObjectNames())' })).stdout);
    expect(again.state.objects).toEqual(result.state.objects);
  });

  it('ends a runaway program at --timeout', async () => {
    const r = await wand(['run', '-', '--scene', scene, '--timeout', '1', '--json'], { stdin: 'while (true) {}' });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).error.kind).toBe('timeout');
  });

  it.each([
    [['run'], /expected one program file/],
    [['run', 'a.js', 'b.js'], /expected one program file/],
    [['run', 'nope.js'], /cannot read program file "nope.js": no such file/],
    [['run', '-', '--seed', 'x'], /--seed must be an integer/],
    [['run', '-', '--frobnicate'], /Unknown option '--frobnicate'/],
    [['run', '-', '--world', 'moon'], /--world must be "tabletop" or "mobile"/],
    [['frobnicate'], /unknown command "frobnicate"/],
    [['run', '-', '--world', 'mobile', '--scene', 'examples/scene.json'], /scene options are for the tabletop world/],
    [['run', '-', '--scene', 'examples/scene.json', '--blocks', '2'], /--blocks and --bowls shape a random scene/],
    [['run', '-', '--scene', 'examples/scene.json', '--seed', '2'], /either --scene FILE or --seed N/],
    [['run', 'examples/stack-blocks.js', '--approve'], /--approve is for --backend ros/],
  ])('usage error %j exits 2 with a clear message', async (args, pattern) => {
    const r = await wand(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('rejects an invalid scene, naming the offending entry', async () => {
    const bad = sceneFile([
      { kind: 'block', color: 'red', position: { x: 0.4, y: 0.1 } },
      { kind: 'block', color: 'teal', position: { x: 0.5, y: 0.1 } },
    ]);
    const r = await wand(['run', '-', '--scene', bad], { stdin: 'home()' });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/objects\[1\]/);
    expect(r.stderr).toMatch(/teal/);
  });
});
