import { WandError } from '../core/errors.ts';

// Which model endpoint to use, from the environment (and --model). Any OpenAI-compatible server works:
// OpenAI needs OPENAI_API_KEY; Ollama, vLLM and llama.cpp need only OPENAI_BASE_URL.

export interface ModelConfig {
  baseURL?: string;
  apiKey: string;
  /** Undefined: the default model for OpenAI, or the server's first listed model. */
  model?: string;
  /** Per attempt, until the reply starts (streaming) or arrives. */
  timeoutMs: number;
  /** Retries with back-off on 408/409/429/5xx, timeouts and connection errors. */
  maxRetries: number;
  stream: boolean;
  temperature?: number;
}

export const DEFAULT_OPENAI_MODEL = 'gpt-4o-mini';
/** Local servers check no key, but the client insists on one. */
export const PLACEHOLDER_KEY = 'no-key';

export const NO_ENDPOINT =
  'no language model is configured: set OPENAI_API_KEY (for OpenAI) or OPENAI_BASE_URL (for an OpenAI-compatible server such as Ollama at http://localhost:11434/v1), or use --llm manual';

export const MODEL_ENV_USAGE = `Model endpoint (environment):
  OPENAI_API_KEY            API key (OpenAI; optional for local servers)
  OPENAI_BASE_URL           OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama)
  WAND_MODEL                model name (or --model); default ${DEFAULT_OPENAI_MODEL} on OpenAI, else the server's first model
  WAND_VERIFIER_MODEL       a separate model for verifying runs, at the same endpoint (default: the same model)
  WAND_MODEL_TIMEOUT_S      seconds to wait for a reply (default 120; a late reply is not asked for again),
                            WAND_MODEL_RETRIES: retries on 429/5xx and lost connections (default 2)
  WAND_TEMPERATURE          sampling temperature (default: the server's)`;

function positive(env: NodeJS.ProcessEnv, name: string, fallback: number, integer = false): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isInteger(n))) {
    throw new WandError('usage', `${name} must be a ${integer ? 'whole ' : ''}number ≥ 0, got "${raw}"`);
  }
  return n;
}

/** The verifier's own model (WAND_VERIFIER_MODEL) at the same endpoint, or null to verify with the coder. */
export function verifierConfigFromEnv(env: NodeJS.ProcessEnv, config: ModelConfig): ModelConfig | null {
  const model = env.WAND_VERIFIER_MODEL?.trim();
  // Verdicts are short and parsed whole: never streamed.
  return model ? { ...config, model, stream: false } : null;
}

export function modelConfigFromEnv(env: NodeJS.ProcessEnv, flags: { model?: string; stream?: boolean } = {}): ModelConfig {
  const apiKey = env.OPENAI_API_KEY?.trim() || undefined;
  const baseURL = env.OPENAI_BASE_URL?.trim() || undefined;
  if (!apiKey && !baseURL) throw new WandError('usage', NO_ENDPOINT);
  const temperature = env.WAND_TEMPERATURE?.trim() ? positive(env, 'WAND_TEMPERATURE', 0) : undefined;
  return {
    baseURL,
    apiKey: apiKey ?? PLACEHOLDER_KEY,
    model: flags.model ?? (env.WAND_MODEL?.trim() || undefined),
    timeoutMs: positive(env, 'WAND_MODEL_TIMEOUT_S', 120) * 1000,
    maxRetries: positive(env, 'WAND_MODEL_RETRIES', 2, true),
    stream: flags.stream ?? false,
    temperature,
  };
}
