import type { Backend } from '../../primitives/backend.ts';
import type { OpenBackend } from '../backends/open.ts';
import { rehearsableOf, type RehearsalTwin } from '../safety/guard.ts';
import { withOverrides } from './backend-proxy.ts';

// A robot program is first rehearsed in a simulated copy of the robot (executeProgram does that). The page
// shows that rehearsal in its simulator view while the robot's live odometry stays on the status line; to
// see the twin, the session hands executeProgram a robot whose createRehearsal() reports the twin it made.

export type TwinWatcher = (twin: Backend | null) => void;

export function watchRehearsals(target: OpenBackend, watch: TwinWatcher): OpenBackend {
  const robot = target.backend;
  const rehearsable = rehearsableOf(robot);
  if (!rehearsable) return target;
  const createRehearsal = async (): Promise<RehearsalTwin> => {
    const twin = await rehearsable.createRehearsal();
    const dispose = twin.backend.dispose.bind(twin.backend);
    twin.backend.dispose = async () => {
      watch(null);
      await dispose();
    };
    watch(twin.backend);
    return twin;
  };
  return { ...target, backend: withOverrides(robot, { createRehearsal }) };
}
