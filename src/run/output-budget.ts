import { WandError } from '../core/errors.ts';

export interface OutputLimits {
  maxLines: number;
  maxBytes: number;
}

export const DEFAULT_OUTPUT_LIMITS: OutputLimits = { maxLines: 10_000, maxBytes: 1 << 20 };

/** Collects program output and ends the program (fatal `output` error) when it floods. */
export class OutputBudget {
  readonly lines: string[] = [];
  private bytes = 0;

  constructor(private readonly limits: OutputLimits = DEFAULT_OUTPUT_LIMITS) {}

  push(text: string, primitive: string): void {
    this.bytes += Buffer.byteLength(text) + 1;
    if (this.lines.length >= this.limits.maxLines || this.bytes > this.limits.maxBytes) {
      throw new WandError(
        'output',
        `the program printed more than ${this.limits.maxLines} lines or ${Math.round(this.limits.maxBytes / 1024)} KiB of output; it was stopped`,
        { primitive },
      );
    }
    this.lines.push(text);
  }
}
