import type { OpenBackend } from '../backends/open.ts';
import type { BackendOptions } from '../backends/options.ts';
import { withOverrides } from './backend-proxy.ts';

// There is one robot. Every tab watching it shares one connection (not one controller per tab), only one
// tab's program may drive it at a time, and an e-stop pressed in any tab stops whichever program runs.

type Abort = (reason: string) => void;

export class SharedRobot {
  private robot: Promise<OpenBackend> | null = null;
  private owner: { holder: object; abort: Abort } | null = null;

  constructor(private readonly open: (opts: BackendOptions) => Promise<OpenBackend>) {}

  /** The shared connection (opened by the first tab, retried by the next if it failed). Tabs cannot dispose it. */
  async connect(opts: BackendOptions): Promise<OpenBackend> {
    this.robot ??= this.open(opts).catch((err) => {
      this.robot = null;
      throw err;
    });
    const target = await this.robot;
    return { ...target, backend: withOverrides(target.backend, { dispose: async () => {} }) };
  }

  /** A tab's program may start only when no other tab's program is driving the robot. */
  claim(holder: object, abort: Abort): boolean {
    if (this.owner && this.owner.holder !== holder) return false;
    this.owner = { holder, abort };
    return true;
  }

  release(holder: object): void {
    if (this.owner?.holder === holder) this.owner = null;
  }

  /** The e-stop of any tab: the running program is aborted, whoever started it. */
  estop(reason: string): void {
    this.owner?.abort(reason);
  }

  async close(): Promise<void> {
    const robot = this.robot;
    this.robot = null;
    await robot?.then((r) => r.backend.dispose()).catch(() => {});
  }
}
