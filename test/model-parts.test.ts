import { describe, expect, it } from 'vitest';
import type { StateSnapshot } from '../primitives/backend.ts';
import { generateDts, primitivesFor } from '../primitives/index.ts';
import { TABLETOP_WORLD } from '../primitives/tabletop/world.ts';
import { ProgramChecker } from '../src/check/index.ts';
import { systemPrompt, type PromptWorld } from '../src/model/prompt.ts';
import { estimateTokens } from '../src/model/tokens.ts';
import { template } from '../src/prompts/index.ts';
import { extractProgram } from '../src/model/extract.ts';
import { movedText, observationText } from '../src/model/observation.ts';
import { parseVerdict } from '../src/model/verify.ts';

describe('reading replies', () => {
  it('takes the program from fenced blocks, bare code or a cut-off fence, and says why when there is none', () => {
    expect(extractProgram("Sure:\n```javascript\npick('a');\n```\nDone.")).toEqual({ code: "pick('a');\n", language: 'js' });
    expect(extractProgram('```ts\nconst n: number = 1;\n```').language).toBe('ts');
    expect(extractProgram("```js\nfunction f() {}\n```\nthen\n```js\nf();\n```").code).toBe('function f() {}\n\nf();\n');
    expect(extractProgram("pick('red block');\nplace('blue bowl');").code).toBe("pick('red block');\nplace('blue bowl');\n");
    expect(extractProgram("```js\npick('a');\nplace(").code).toBe("pick('a');\nplace(\n");
    expect(extractProgram("<think>maybe ```js\nwrong()\n```</think>\n```js\nright();\n```").code).toBe('right();\n');
    expect(extractProgram('```python\nput_first_on_second("a", "b")\n```')).toEqual({
      code: null,
      problem: 'Your reply has a python block, but programs must be JavaScript.',
    });
    expect(extractProgram("```js\r\npick('a');\r\n```\r\n").code).toBe("pick('a');\n");
    expect(extractProgram('Done').code).toBeNull();
    expect(extractProgram('I cannot see a red block.').problem).toBe('Your reply has no program.');
  });

  it('reads verdicts in the asked form and the looser forms small models use', () => {
    expect(parseVerdict('done: yes\ncritique: the block is in the bowl.')).toEqual({ done: true, critique: 'the block is in the bowl.' });
    expect(parseVerdict('**Done:** no\ncritique: it is beside the bowl')).toEqual({ done: false, critique: 'it is beside the bowl' });
    expect(parseVerdict('No. The red block is still on the table.')).toEqual({ done: false, critique: 'The red block is still on the table.' });
    expect(parseVerdict('{"done": true, "critique": "ok"}')).toEqual({ done: true, critique: 'ok' });
    expect(parseVerdict('hmm').done).toBe(false);
  });
});

describe('observations', () => {
  const state = (x: number, holding: string | null = null): StateSnapshot => ({
    robot: { tool: { x: 0.3, y: 0, z: 0.2 }, joints: [1, 2, 3] },
    holding,
    objects: [
      { name: 'red block', kind: 'block', color: 'red', position: { x, y: -0.1004, z: 0.02 }, size: { x: 0.04, y: 0.04, z: 0.04 } },
      { name: 'blue bowl', kind: 'bowl', color: 'blue', position: { x: 0.6, y: 0.1, z: 0.025 }, size: { x: 0.12, y: 0.12, z: 0.05 } },
    ],
  });

  it('lists objects to the millimetre in metres, the robot points and what is held', () => {
    expect(observationText(state(0.4, 'red block'))).toBe(
      'Objects (centre x, y, z):\n- red block (0.400, -0.100, 0.020)\n- blue bowl (0.600, 0.100, 0.025)\nRobot tool: (0.300, 0.000, 0.200)\nHolding: red block',
    );
  });

  it('says what moved, ignoring sub-5 mm jitter', () => {
    expect(movedText(state(0.4), state(0.402))).toBe('nothing');
    expect(movedText(state(0.4), state(0.6))).toBe('red block (0.400, -0.100, 0.020) -> (0.600, -0.100, 0.020)');
  });
});

describe('the prompt', () => {
  const prims = primitivesFor('tabletop');
  const world: PromptWorld = { profile: 'tabletop', primitives: prims, world: TABLETOP_WORLD };

  it('keeps the static part under 1,500 tokens', () => {
    expect(estimateTokens(systemPrompt(world))).toBeLessThan(1500);
  });

  it('only shows examples that pass the checks (helpers aside)', async () => {
    const checker = new ProgramChecker(generateDts(prims));
    for (const profile of ['tabletop', 'mobile'] as const) {
      const examples = [...template(`examples-${profile}`).matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]!);
      expect(examples.length).toBeGreaterThan(2);
      const check = new ProgramChecker(generateDts(primitivesFor(profile)));
      for (const code of examples) expect({ code, ...(await check.check(code, { allowMissing: true })) }).toMatchObject({ code, ok: true });
    }
    expect((await checker.check(systemPrompt(world).split('```js\n').at(-1)!.split('```')[0]!, { allowMissing: true })).missing.map((m) => m.name)).toEqual([
      'pointsOnLine',
    ]);
  });
});
