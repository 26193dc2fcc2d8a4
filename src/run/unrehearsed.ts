import type { DeclaredInterfaces } from '../../primitives/interface.ts';
import type { ErrorInfo } from '../core/errors.ts';

// A declared interface that moves the robot (a navigation action, a velocity topic) has no model in the
// simulator, so the rehearsal cannot show what it will do. Such a program reaches the robot only when the
// person approved it after seeing it (--approve), or when the robot config says "unrehearsed": "allow";
// either way the run report says so.

export interface UnrehearsedMotion {
  /** The declared interfaces that move the robot. */
  primitives: string[];
  /** Those this program may call: named in its source (or a skill it loads), or called in its rehearsal. */
  used: string[];
  /** What let them run on the robot: the person's approval, the config, or nothing (refused, or not used). */
  allowedBy: 'approval' | 'config' | null;
}

const mentions = (text: string, name: string) => new RegExp(`(^|[^\\w$])${name.replace(/\$/g, '\\$')}([^\\w$]|$)`).test(text);

/** The motion interfaces of a target and which of them a program may use; null when it has none. */
export function unrehearsedMotion(
  declared: DeclaredInterfaces | undefined,
  program: { source: string; prelude?: string },
  rehearsalCalls: string[] = [],
): UnrehearsedMotion | null {
  const primitives = declared?.specs.filter((s) => s.motion).map((s) => s.primitive) ?? [];
  if (!primitives.length) return null;
  const text = `${program.prelude ?? ''}\n${program.source}`;
  const used = primitives.filter((p) => rehearsalCalls.includes(p) || mentions(text, p));
  return { primitives, used, allowedBy: declared!.unrehearsed === 'allow' ? 'config' : null };
}

export function unrehearsedRefusal(used: string[]): ErrorInfo {
  const names = used.join(', ');
  return {
    kind: 'safety',
    message:
      `${names} ${used.length === 1 ? 'moves' : 'move'} the robot and cannot be rehearsed in the simulator, so the program runs only after ` +
      `your approval (--approve) or with "unrehearsed": "allow" in the robot config; the robot was not moved`,
  };
}

/** The run report's line; empty when the target has no motion interfaces or the program used none and needs no mention. */
export function unrehearsedText(u: UnrehearsedMotion): string {
  const used = u.used.length ? u.used.join(', ') : 'none';
  if (u.allowedBy === 'config') return `Unrehearsed motion allowed by the robot config ("unrehearsed": "allow"): ${u.primitives.join(', ')}; this program used: ${used}.`;
  if (u.allowedBy === 'approval') return `Unrehearsed motion approved by you: ${used}.`;
  return u.used.length ? `Unrehearsed motion not approved: ${used}.` : '';
}
