// An action's feedback as one short progress line a person can read at a glance:
// `distance_remaining 1.23, number_of_recoveries 0, navigation_time 4.5 s, current_pose (0.68, 0.34, 0)`.
// Plain numbers and strings come first; headers, stamps and orientations are left out; points and
// durations print in their own short form.

const MAX_CHARS = 200;
const SKIP = new Set(['header', 'stamp', 'orientation', 'goal_id']);

const round = (v: number) => String(Math.round(v * 1000) / 1000);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isScalar = (v: unknown) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean';

function short(value: unknown, depth: number): string {
  if (typeof value === 'number') return round(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 39)}…` : value);
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value);
  if (Array.isArray(value)) {
    const shown = value.slice(0, 4).map((v) => short(v, depth + 1));
    return `[${shown.join(', ')}${value.length > 4 ? `, …${value.length - 4} more` : ''}]`;
  }
  if (!isObject(value)) return String(value);
  const keys = Object.keys(value);
  const num = (k: string) => (typeof value[k] === 'number' ? (value[k] as number) : 0);
  if (keys.every((k) => ['x', 'y', 'z'].includes(k)) && keys.length >= 2) return `(${keys.map((k) => round(num(k))).join(', ')})`;
  if (keys.length === 2 && 'sec' in value && 'nanosec' in value) return `${round(num('sec') + num('nanosec') / 1e9)} s`;
  if (keys.length === 2 && 'secs' in value && 'nsecs' in value) return `${round(num('secs') + num('nsecs') / 1e9)} s`;
  // A stamped pose or a pose: where it is is what matters.
  if (isObject(value.pose)) return short(value.pose, depth);
  if (isObject(value.position)) return short(value.position, depth);
  if (depth > 2) return '{…}';
  return `{${fields(value, depth + 1)}}`;
}

function fields(value: Record<string, unknown>, depth: number): string {
  const entries = Object.entries(value).filter(([k]) => !SKIP.has(k));
  entries.sort(([, a], [, b]) => Number(!isScalar(a)) - Number(!isScalar(b)));
  return entries.map(([k, v]) => `${k} ${short(v, depth)}`).join(', ');
}

export function feedbackText(feedback: unknown): string {
  const text = isObject(feedback) ? fields(feedback, 0) : short(feedback, 0);
  return text.length > MAX_CHARS ? `${text.slice(0, MAX_CHARS - 1)}…` : text;
}
