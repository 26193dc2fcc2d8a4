import type { Backend } from '../../primitives/backend.ts';
import type { OpenBackend } from '../backends/open.ts';
import { rehearsableOf, type Rehearsable, type RehearsalTwin } from '../safety/guard.ts';

// A robot program is first rehearsed in a simulated copy of the robot (executeProgram does that). The page
// shows that rehearsal in its simulator view while the robot's live odometry stays on the status line; to
// see the twin, the session hands executeProgram a robot whose createRehearsal() reports the twin it made.

export type TwinWatcher = (twin: Backend | null) => void;

export function watchRehearsals(target: OpenBackend, watch: TwinWatcher): OpenBackend {
  const robot = target.backend;
  if (!rehearsableOf(robot)) return target;
  const createRehearsal = async (): Promise<RehearsalTwin> => {
    const twin = await (robot as unknown as Rehearsable).createRehearsal();
    const dispose = twin.backend.dispose.bind(twin.backend);
    twin.backend.dispose = async () => {
      watch(null);
      await dispose();
    };
    watch(twin.backend);
    return twin;
  };
  // Everything else goes to the robot itself (bound, so its own fields are used, not the proxy's).
  const backend = new Proxy(robot, {
    get(t, key) {
      if (key === 'createRehearsal') return createRehearsal;
      const value = Reflect.get(t, key, t);
      return typeof value === 'function' ? value.bind(t) : value;
    },
  });
  return { ...target, backend };
}
