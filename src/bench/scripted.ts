import { NAMED_POSITIONS } from '../../primitives/tabletop/world.ts';
import type { ChatMessage, ChatModel, Completion } from '../model/chat.ts';
import { fenced } from '../model/extract.ts';
import { estimateMessageTokens, estimateTokens } from '../model/tokens.ts';
import type { Episode } from '../tasks/suite.ts';

// Scripted stand-ins for models, for measuring the verifier without a model endpoint (bench/verifier.ts and
// the tests). The careless author writes the reference program, except that it spreads "all the blocks on
// <place>" along the table's edge 10 cm apart, the mistake a capable model made when the prompt gave a named
// position as a point and never said how close counts as "on" it. The fact reader verifies the way a model
// that trusts Wand's measured facts would: a clean run is done unless a fact contradicts the instruction.

const reply = (text: string, messages: ChatMessage[], model: string): Completion => ({
  text,
  promptTokens: estimateMessageTokens(messages),
  completionTokens: estimateTokens(text),
  estimated: true,
  model,
  ms: 0,
});

const ALL_ON = /^Put all the blocks on the (.+)\.$/;

/** The program a careless author writes: "all the blocks on the top side" becomes a row along that side. */
export function carelessProgram(episode: Episode): string {
  const place = ALL_ON.exec(episode.instruction)?.[1];
  const p = place ? NAMED_POSITIONS[place] : undefined;
  if (!place || !p) return episode.solution;
  // Along the side the place is on: the left and right sides run top to bottom (x), the rest left to right (y).
  const alongX = place === 'left side' || place === 'right side';
  const x = alongX ? `${p.x} ${p.x >= 0.5 ? '-' : '+'} 0.1 * i` : `${p.x}`;
  const y = alongX ? `${p.y}` : `${p.y} ${p.y > 0 ? '-' : '+'} 0.1 * i`;
  return [
    "const blocks = getObjects().filter((o) => o.kind === 'block');",
    `blocks.forEach((b, i) => putOn(b.name, { x: ${x}, y: ${y} }));`,
  ].join('\n');
}

/** Answers every request of an episode with the careless program. */
export class CarelessAuthor implements ChatModel {
  readonly label = 'careless author (scripted)';
  constructor(private readonly episode: Episode) {}
  async complete(messages: ChatMessage[]): Promise<Completion> {
    return reply(fenced(carelessProgram(this.episode)), messages, 'careless');
  }
}

const FACTS_HEADER = 'Facts measured by Wand:';

/** The instruction and the measured facts of a verification request. */
export function readVerifyRequest(messages: ChatMessage[]): { instruction: string; facts: string[] } {
  const text = messages.at(-1)?.content ?? '';
  const instruction = /^Instruction: (.*)$/m.exec(text)?.[1] ?? '';
  const start = text.indexOf(FACTS_HEADER);
  const facts =
    start < 0
      ? []
      : text
          .slice(start + FACTS_HEADER.length)
          .split('\n')
          .filter((l) => l.startsWith('- '))
          .map((l) => l.slice(2));
  return { instruction, facts };
}

/**
 * Which object the instruction is about when it names none: "the block closest to ..." is the first of the
 * ranking fact, "farthest" the last, "the second block from the top" the second of the order fact.
 */
function describedSubject(instruction: string, facts: string[]): string | undefined {
  const text = instruction.toLowerCase();
  const names = (line: string | undefined) => (line ? line.slice(line.indexOf(': ') + 2).split(', ').map((e) => e.replace(/^\d+\. /, '').replace(/ [\d.]+ cm$/, '')) : []);
  if (/\b(closest|nearest|farthest|furthest)\b/.test(text)) {
    const ranked = names(facts.find((f) => / by distance to the /.test(f) && f.startsWith('blocks')));
    return /\b(farthest|furthest)\b/.test(text) ? ranked.at(-1) : ranked[0];
  }
  const ordinal = /\b(first|second|third|fourth)\b/.exec(text)?.[1];
  if (ordinal) return names(facts.find((f) => / counted from the /.test(f)))[['first', 'second', 'third', 'fourth'].indexOf(ordinal)];
  return undefined;
}

/** The facts that contradict the instruction, for a reader that takes Wand's measurements as they are. */
export function contradictions(instruction: string, facts: string[]): string[] {
  const text = instruction.toLowerCase();
  const everyOne = /\b(all|each|every)\b|\bthe (blocks|bowls)\b/.test(text);
  const subject = describedSubject(instruction, facts);
  const about = (fact: string) => {
    const who = fact.split(/ - | from where /)[0]!.trim();
    return everyOne || text.includes(who) || who === subject;
  };
  const out: string[] = [];
  for (const f of facts) {
    if (/ - .*\bnot (on|in) it\b| - .*\bon none of them\b/.test(f) && about(f)) out.push(f);
    else if (/ from where .*: no$/.test(f) && about(f)) out.push(f);
    else if (/^line of the blocks/.test(f)) {
      const orientation = /\b(horizontal|vertical|diagonal)\b/.exec(text)?.[1];
      if (orientation && new RegExp(`${orientation}: no`).test(f)) out.push(f);
      else if (/apart: no\)/.test(f)) out.push(f);
    }
  }
  return out;
}

/**
 * A verifier that trusts a clean run unless a measured fact contradicts the instruction, and cites the
 * facts it used. `readFacts: false` is the verifier without facts (Wand before it measured them): with
 * nothing to contradict a clean run, it calls it done, as the measured model did 12 times out of 12.
 */
export class FactReader implements ChatModel {
  readonly label: string;
  constructor(private readonly readFacts = true) {
    this.label = readFacts ? 'fact reader (scripted verifier, reads the facts)' : 'trusting reader (scripted verifier, no facts)';
  }
  async complete(messages: ChatMessage[]): Promise<Completion> {
    const { instruction, facts } = readVerifyRequest(messages);
    const against = this.readFacts ? contradictions(instruction, facts) : [];
    const used = facts.filter((f) => / - |from where|^line|^stack/.test(f)).join('; ') || 'none contradicts the instruction';
    const text = against.length
      ? `done: no\nfacts: ${against.join('; ')}\ncritique: ${against[0]}`
      : `done: yes\n${this.readFacts ? `facts: ${used}\n` : ''}critique: the run finished cleanly`;
    return reply(text, messages, this.readFacts ? 'fact-reader' : 'trusting-reader');
  }
}
