/** How `print` renders values: strings as they are, everything else as compact JSON (like a REPL, minus colours). */
export function formatValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'number' ? Math.round(v * 10000) / 10000 : v)) ?? String(value);
  } catch {
    return String(value);
  }
}
