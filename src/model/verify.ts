import { stripThinking } from './extract.ts';

// CREATOR's decision stage: after a clean run, the model compares the instruction with the world before
// and after and says whether the task is done (the request is built by prompt.ts). A run without errors is not
// yet a task done.

export interface Verdict {
  done: boolean;
  critique: string;
}

const YES = /^(yes|y|true|done|complete|completed)\b/i;
const NO = /^(no|n|false|not done|not|incomplete)\b/i;

/** Reads "done: yes / critique: ..." and the looser answers small models give. Unreadable means not done. */
export function parseVerdict(reply: string): Verdict {
  const text = stripThinking(reply).trim();
  try {
    const json = JSON.parse(text.replace(/^```\w*\n?|```$/g, ''));
    if (typeof json?.done === 'boolean') return { done: json.done, critique: String(json.critique ?? '').trim() };
  } catch {
    // not JSON; read it as text
  }
  const critique = /critique\s*[:=]\s*(.+)/i.exec(text)?.[1]?.trim() ?? '';
  const answer = /\bdone\s*[:=]\s*\**\s*([a-z ]+)/i.exec(text)?.[1]?.trim() ?? text.replace(/^[^a-z]+/i, '');
  const rest = () => text.replace(/^[^a-z]*(done\s*[:=]\s*)?\**\s*(yes|no|true|false)\b[\s.,:;!*-]*/i, '').replace(/\s+/g, ' ').trim();
  if (NO.test(answer)) return { done: false, critique: critique || rest() || 'the verifier says the task is not done' };
  if (YES.test(answer)) return { done: true, critique: critique || rest() };
  return { done: false, critique: `the verifier's answer could not be read: ${text.slice(0, 200)}` };
}
