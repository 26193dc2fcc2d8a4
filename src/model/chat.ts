// The one thing the loop needs from a language model: messages in, text out, with usage counted.
// The OpenAI-compatible client and the person at the keyboard (--llm manual) both provide it.

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  requests: number;
  /** Prompt tokens the provider served from its prompt cache, when it says so. */
  cachedPromptTokens?: number;
}

export interface Completion {
  text: string;
  promptTokens: number;
  completionTokens: number;
  cachedPromptTokens?: number;
  /** True when the server reported no usage and the counts are estimates. */
  estimated?: boolean;
  model: string;
  ms: number;
}

export interface CompleteOptions {
  signal?: AbortSignal;
  /** Text as it streams in (only called when the model streams). */
  onDelta?: (text: string) => void;
}

export interface ChatModel {
  /** For status lines and transcripts: "gpt-4o-mini at https://api.openai.com/v1". */
  readonly label: string;
  complete(messages: ChatMessage[], opts?: CompleteOptions): Promise<Completion>;
}

export function emptyUsage(): Usage {
  return { promptTokens: 0, completionTokens: 0, requests: 0 };
}

export function addUsage(usage: Usage, c: Completion): void {
  usage.promptTokens += c.promptTokens;
  usage.completionTokens += c.completionTokens;
  usage.requests += 1;
  if (c.cachedPromptTokens) usage.cachedPromptTokens = (usage.cachedPromptTokens ?? 0) + c.cachedPromptTokens;
}
