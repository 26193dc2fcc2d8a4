import { UsageError } from '../cli/usage.ts';

// The skills library's command-line flags, shared by `wand ask` and `wand serve`. Kept free of the library
// itself (which loads TypeScript), so a command can parse them before it pays for the checker.

export const DEFAULT_SKILLS_DIR = '.wand/skills';

export const SKILLS_FLAGS = {
  skills: { type: 'string' },
  'no-skills': { type: 'boolean' },
} as const;

export const SKILLS_USAGE = `  --skills DIR              the skills library: stored tools offered when they fit, new verified
                            tools kept (default ${DEFAULT_SKILLS_DIR})
  --no-skills               neither offer stored skills nor store new ones`;

export const EMBEDDINGS_ENV_USAGE = `  WAND_EMBEDDINGS_MODEL     rank skills with this embeddings model as well as lexically (optional), at
                            WAND_EMBEDDINGS_BASE_URL (default OPENAI_BASE_URL) with OPENAI_API_KEY`;

/** The library the flags chose: its directory (undefined: the default), or null for --no-skills. */
export type SkillsChoice = { dir?: string } | null;

export function skillsChoiceFrom(values: Record<string, string | boolean | undefined>): SkillsChoice {
  const dir = values.skills as string | undefined;
  if (values['no-skills'] && dir !== undefined) throw new UsageError('use either --skills DIR or --no-skills, not both');
  return values['no-skills'] ? null : { dir };
}
