import { jsonDepth } from '../core/json.ts';
import type { SandboxLimits } from './limits.ts';

// A primitive call's arguments as the guest sent them (see the payload protocol in guest-prelude.js),
// decoded on the host only when they are within the limits. The guest measures them while it encodes
// them; the host measures again before parsing, since nothing from the guest is trusted to be small.

/** Why a call's arguments were refused at the sandbox boundary, unread. */
export interface CallRefusal {
  reason: 'size' | 'depth' | 'malformed';
  /** Characters of JSON, when the size was the problem (at least this many). */
  chars?: number;
  message: string;
}

export type DecodedArgs = { ok: true; args: unknown[]; chars: number } | { ok: false; refusal: CallRefusal };

const fmt = (n: number) => n.toLocaleString('en-US');
const sizeText = (n: number) => (n >= 1 << 20 && n % (1 << 20) === 0 ? `${n / (1 << 20)} MiB` : `${fmt(n)} characters`);

export function refusal(name: string, what: { reason: 'size' | 'depth'; chars?: number }, limits: SandboxLimits): CallRefusal {
  if (what.reason === 'depth') {
    return {
      reason: 'depth',
      message: `${name}(): its arguments are nested more than ${limits.argDepth} levels deep; one call may nest at most ${limits.argDepth} (sandbox limit argDepth)`,
    };
  }
  const chars = what.chars ?? limits.argChars + 1;
  return {
    reason: 'size',
    chars,
    message: `${name}(): its arguments take ${fmt(chars)} or more characters as JSON; one call may pass at most ${sizeText(limits.argChars)} (sandbox limit argChars)`,
  };
}

const NON_FINITE: Record<string, number> = { NaN: NaN, Infinity: Infinity, '-Infinity': -Infinity };

/**
 * JSON.parse keeps "__proto__" as an own key, which host code copying arguments with Object.assign
 * would turn into a prototype change; the program has no business sending it. NaN and ±Infinity come
 * back as numbers, so validation can name them.
 */
function reviver(key: string, value: unknown): unknown {
  if (key === '__proto__') return undefined;
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const n = (value as { $number?: unknown }).$number;
    if (keys.length === 1 && typeof n === 'string' && Object.hasOwn(NON_FINITE, n)) return NON_FINITE[n];
  }
  return value;
}

export function decodeCallArgs(name: string, payload: string, limits: SandboxLimits): DecodedArgs {
  if (payload.startsWith('!')) {
    let what: { reason?: unknown; chars?: unknown } = {};
    try {
      if (payload.length < 200) what = JSON.parse(payload.slice(1)) as typeof what;
    } catch {
      // a malformed refusal is still a refusal
    }
    const chars = typeof what.chars === 'number' && Number.isFinite(what.chars) ? what.chars : undefined;
    return { ok: false, refusal: refusal(name, { reason: what.reason === 'depth' ? 'depth' : 'size', chars }, limits) };
  }
  if (payload.length > limits.argChars) return { ok: false, refusal: refusal(name, { reason: 'size', chars: payload.length }, limits) };
  // The argument list itself is one level; an object in it is level 1.
  if (jsonDepth(payload) - 1 > limits.argDepth) return { ok: false, refusal: refusal(name, { reason: 'depth' }, limits) };
  const plain = !payload.includes('"__proto__"') && !payload.includes('"$number"');
  let args: unknown;
  try {
    args = plain ? JSON.parse(payload) : JSON.parse(payload, reviver);
  } catch {
    return { ok: false, refusal: { reason: 'malformed', message: `${name}(): its arguments could not be read` } };
  }
  return { ok: true, args: Array.isArray(args) ? args : [], chars: payload.length };
}
