import type { ModelStatus } from './protocol.ts';

// The status line names the model endpoint, or says how to configure one: the page works without a
// model (editor, e-stop), and a person should not have to guess why the instruction box is disabled.
// The key itself never leaves the server.

export function modelStatus(env: NodeJS.ProcessEnv = process.env): ModelStatus {
  const base = env.OPENAI_BASE_URL?.trim();
  const key = env.OPENAI_API_KEY?.trim();
  if (!base && !key) {
    return {
      configured: false,
      text: 'no model configured: set OPENAI_BASE_URL (e.g. http://localhost:11434/v1) and/or OPENAI_API_KEY, then restart; the editor works without one',
    };
  }
  const model = env.WAND_MODEL?.trim() || 'default model';
  return { configured: true, text: `${model} at ${base ? redact(base) : 'api.openai.com'}` };
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
