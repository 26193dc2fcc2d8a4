// Looking things up by the name a program gave: objects, table positions, places.

/** The listed name `wanted` means: the exact name, else one equal ignoring case and surrounding spaces. */
export function matchName(names: readonly string[], wanted: string): string | undefined {
  if (names.includes(wanted)) return wanted;
  const key = wanted.trim().toLowerCase();
  return names.find((n) => n.toLowerCase() === key);
}

/** `"a", "b"` (or `none`), for the "known ..." part of an error message. */
export function quoteNames(names: readonly string[]): string {
  return names.map((n) => `"${n}"`).join(', ') || 'none';
}
