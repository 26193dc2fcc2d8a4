/** The bundle's entry points, relative to the project root. */
export const ENTRIES: readonly string[];
/** The file URL of a bundled entry when the bundle is current, else null. */
export function freshBundle(name?: 'main' | 'sim-worker-main' | 'check-worker-main'): string | null;
/** Bundles the command line into dist/ and returns the file URL of its entry. */
export function buildBundle(): Promise<string>;
/** Marks the build an entry belongs to as used by this process, so no other process removes it meanwhile. */
export function useBuild(entryUrl: string): void;
