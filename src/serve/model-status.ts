import { DEFAULT_OPENAI_MODEL, NO_ENDPOINT, modelConfigFromEnv } from '../model/config.ts';
import type { ModelStatus } from './protocol.ts';

// The status line names the model endpoint, or says how to configure one: the page works without a
// model (editor, e-stop), and a person should not have to guess why the instruction box is disabled.
// The key itself never leaves the server.

export function modelStatus(env: NodeJS.ProcessEnv = process.env): ModelStatus {
  let config;
  try {
    config = modelConfigFromEnv(env);
  } catch (err) {
    const message = (err as Error).message;
    if (message !== NO_ENDPOINT) return { configured: false, text: `model misconfigured: ${message}` };
    return {
      configured: false,
      text: 'no model configured: set OPENAI_BASE_URL (e.g. http://localhost:11434/v1 for Ollama) or OPENAI_API_KEY and restart; the editor and the e-stop work without one',
    };
  }
  const model = config.model ?? (config.baseURL ? "the server's first model" : DEFAULT_OPENAI_MODEL);
  return { configured: true, text: `${model} at ${config.baseURL ? redact(config.baseURL) : 'api.openai.com'}` };
}

/** Credentials in a base URL (https://user:pass@host) stay on the server. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return url;
  }
}
