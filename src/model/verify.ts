import { stripThinking } from './extract.ts';

// CREATOR's decision stage: after a clean run, the verifier compares the instruction with the program, its
// calls, the world before and after and Wand's measured relation facts, and says whether the task is done
// and which facts it relied on (the request is built by prompt.ts). A run without errors is not yet a task done.

export interface Verdict {
  done: boolean;
  critique: string;
  /** The measured facts the verifier said its answer rests on. */
  facts?: string;
  /** What judged: the benchmark's success predicate, or the verifier model (which was given the facts). */
  by?: 'predicate' | 'model';
}

const YES = /^(yes|y|true|done|complete|completed)\b/i;
const NO = /^(no|n|false|not done|not|incomplete)\b/i;

/** The "facts:" part of a reply (one line or a list), up to the critique. */
function factsOf(text: string): { facts?: string } {
  const start = /\bfacts\s*[:=]/i.exec(text);
  if (!start) return {};
  const rest = text.slice(start.index + start[0].length);
  const end = /\n\s*\**\s*critique\s*[:=]/i.exec(rest);
  const facts = (end ? rest.slice(0, end.index) : rest).replace(/\s+/g, ' ').trim();
  return facts ? { facts } : {};
}

/** Reads "done: yes / facts: ... / critique: ..." and the looser answers small models give. Unreadable means not done. */
export function parseVerdict(reply: string): Verdict {
  const text = stripThinking(reply).trim();
  try {
    const json = JSON.parse(text.replace(/^```\w*\n?|```$/g, ''));
    if (typeof json?.done === 'boolean') {
      const facts = typeof json.facts === 'string' ? json.facts.trim() : Array.isArray(json.facts) ? json.facts.join('; ') : '';
      return { done: json.done, critique: String(json.critique ?? '').trim(), ...(facts ? { facts } : {}) };
    }
  } catch {
    // not JSON; read it as text
  }
  const critique = /critique\s*[:=]\s*(.+)/i.exec(text)?.[1]?.trim() ?? '';
  const withFacts = factsOf(text);
  const answer = /\bdone\s*[:=]\s*\**\s*([a-z ]+)/i.exec(text)?.[1]?.trim() ?? text.replace(/^[^a-z]+/i, '');
  const rest = () => text.replace(/^[^a-z]*(done\s*[:=]\s*)?\**\s*(yes|no|true|false)\b[\s.,:;!*-]*/i, '').replace(/\s+/g, ' ').trim();
  if (NO.test(answer)) return { done: false, critique: critique || rest() || 'the verifier says the task is not done', ...withFacts };
  if (YES.test(answer)) return { done: true, critique: critique || rest(), ...withFacts };
  return { done: false, critique: `the verifier's answer could not be read: ${text.slice(0, 200)}` };
}
