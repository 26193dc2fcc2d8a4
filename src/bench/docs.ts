import { DIRECTIONS, RELATIONS, type Direction } from '../../primitives/tabletop/vocabulary.ts';
import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';
import {
  COLOR_SPLIT,
  DIRECTION_SPLIT,
  EXTREME_SPLIT,
  LINE_SPLIT,
  MAGNITUDE_SPLIT,
  ORDINAL_SPLIT,
  PLACE_SPLIT,
} from '../tasks/attributes.ts';
import { generateEpisodes } from '../tasks/suite.ts';
import { TEMPLATES } from '../tasks/templates.ts';
import { PREDICATE_NOT_DONE } from './run.ts';

// The README's "What success means", generated from the templates and the predicates' constants so the
// published definitions cannot drift from the code; a test fails when they do (`npm run docs` rewrites it).

const list = (xs: readonly string[]) => xs.map((x) => `"${x}"`).join(', ');

export function benchmarkMarkdown(): string {
  const examples = new Map<string, string>();
  for (const e of generateEpisodes({ split: 'all', episodes: 1, seed: 0 })) if (!examples.has(e.template)) examples.set(e.template, e.instruction);
  const rows = TEMPLATES.map((t) => `| \`${t.id}\` | ${t.split} | ${examples.get(t.id)} | ${t.success} |`);
  const named = Object.entries(NAMED_POSITIONS)
    .map(([name, p]) => `${name} (${p.x}, ${p.y})`)
    .join(', ');
  const directions = (Object.keys(DIRECTIONS) as Direction[]).map((d) => `${d} = ${DIRECTIONS[d].axis}`).join(', ');
  return `### What success means

\`wand bench\` measures task success the way Code as Policies was evaluated. Each episode is an
instruction template filled in with attributes (colours, places, directions, ...) and a tabletop scene
drawn from the seed; \`--seed S\` names the same episodes on every machine. An episode is a fresh
\`wand ask\` loop on its own simulated tabletop, and it **succeeds when the template's predicate holds on the
objects before the instruction and after the loop ends**, whatever the model or its verifier believed.
The predicate is resolved from the initial state: "the block closest to the bowl" means the block that was
closest when the instruction was given.

#### Thresholds

| Relation | Holds when (distances between centres, in x-y) |
|---|---|
${RELATIONS.map((r) => `| ${r.relation} | ${r.holds} |`).join('\n')}

These are the relations of Wand's spatial vocabulary (\`primitives/tabletop/vocabulary.ts\`): the model's prompt
states them, \`place()\` and the query primitives (\`isOn\`, \`distanceBetween\`, \`relationsOf\`) use them, and the
verifier is given facts measured with them. Positions are centres in metres in the table frame; directions in
the table's words: ${directions}. Named positions (5 cm inside the workspace's edges): ${named}.

#### Templates

| Template | Template split | Example (seed 0) | Success means |
|---|---|---|---|
${rows.join('\n')}

#### Seen and unseen

The **seen** split is the seen templates with seen attributes. The **unseen** split is the seen templates
with unseen attributes plus the unseen templates (with seen attributes). \`--episodes N\` draws N episodes per
template and attribute split.

| Attribute | Seen | Unseen |
|---|---|---|
| colours | ${list(COLOR_SPLIT.seen)} | ${list(COLOR_SPLIT.unseen)} |
| places | ${list(PLACE_SPLIT.seen)} | ${list(PLACE_SPLIT.unseen)} |
| directions | ${list(DIRECTION_SPLIT.seen)} | ${list(DIRECTION_SPLIT.unseen)} |
| ordinals | ${list(ORDINAL_SPLIT.seen)} | ${list(ORDINAL_SPLIT.unseen)} |
| distances | ${list(MAGNITUDE_SPLIT.seen)} | ${list(MAGNITUDE_SPLIT.unseen)} |
| closest / farthest | ${list(EXTREME_SPLIT.seen)} | ${list(EXTREME_SPLIT.unseen)} |
| line orientations | ${list(LINE_SPLIT.seen)} | ${list(LINE_SPLIT.unseen)} |

#### Inside the loop

By default (\`--verifier predicate\`) the predicate also judges each clean run inside the loop, in place of
the model's verifier, so an episode costs no verification requests. The model is then told only
"${PREDICATE_NOT_DONE}", never the predicate's reason, which could give the answer away ("the closest
block is not on the top side"). \`--verifier model\` uses the model's verifier instead, given the program, its
calls and Wand's measured relation facts (\`WAND_VERIFIER_MODEL\` for a separate model; with \`--llm oracle\`,
the endpoint's model verifies the reference programs); success is still the predicate on the final state,
and a run the verifier accepted but the predicate rejects is reported as \`false_done\` and counted per
template (the table's False done column, \`falseDone\` in the JSON; the goal is none).

\`--llm oracle\` answers every episode with its template's reference program: it checks the harness and the
simulator (every episode should succeed) and measures what Wand adds around a model.

#### Running it

\`\`\`sh
npx wand bench --split all --episodes 5 --seed 0 --report bench.html      # table on stdout, progress on stderr
npx wand bench --split unseen --samples 4 --json > unseen.json           # 4 candidates per round, tried in simulation
npx wand bench --llm oracle                                               # the reference programs: should be 100%
\`\`\`

The table gives success per template and split, mean rounds to success, model requests, tokens and wall
time per episode, and failed episodes grouped by why they failed (the last round's error kind, \`check\`,
\`no_program\`, \`not_done\` or \`false_done\`). \`--json\` prints the same as one object (\`summary\`, \`bySplit\`,
\`byTemplate\`, \`failures\`, \`roundFailures\`, \`roundsToSuccess\` and every episode), and \`--report FILE.html\`
writes a self-contained page with charts. Ctrl-C stops the run and reports the episodes finished so far,
marked \`"interrupted": true\`.

With \`--samples K\` (also on \`wand ask\`), each round asks for K programs, runs each on its own simulated copy
of the world in parallel worker threads and runs on the target only one that succeeded there (the predicate
or the verifier says done; fewest primitive calls first). When none succeeded, what each did goes back to
the model in one message, and nothing moved for real. Each round then carries
\`candidates: {sampled, tried, succeeded, chosen, each}\`.
`;
}
