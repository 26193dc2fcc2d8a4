import type { ChatMessage, ChatModel, Completion } from '../model/chat.ts';
import { fenced } from '../model/extract.ts';
import { estimateMessageTokens, estimateTokens } from '../model/tokens.ts';

// The instant scripted model: answers every request of an episode with the episode's reference program
// (`--llm oracle`). It validates the harness and the simulator (every episode should succeed) and makes
// `npm run bench` measure what Wand adds around a model. Token counts are estimates of what was sent.

export class OracleModel implements ChatModel {
  readonly label = 'oracle (the reference programs)';
  private readonly reply: string;

  constructor(solution: string) {
    this.reply = fenced(solution);
  }

  async complete(messages: ChatMessage[]): Promise<Completion> {
    return {
      text: this.reply,
      promptTokens: estimateMessageTokens(messages),
      completionTokens: estimateTokens(this.reply),
      estimated: true,
      model: 'oracle',
      ms: 0,
    };
  }
}
