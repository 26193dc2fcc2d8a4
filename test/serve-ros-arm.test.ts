import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServerMessage, StateFrame } from '../src/serve/protocol.ts';
import { startServer, type RunningServer } from '../src/serve/server.ts';
import { simulatorArm, startArmBridge, type TestArm } from './helpers/ros-arm.ts';
import type { RosbridgeTestServer } from './helpers/rosbridge-server.ts';
import { sessionTab } from './helpers/session-tab.ts';

// A session on a ROS arm (`wand serve --backend ros --profile arm`): the page sees the arm's state, a
// program's rehearsal streams from the simulated twin before the arm moves, and the page's stop cancels
// the running goal and holds the arm.

let bridge: RosbridgeTestServer;
let arm: TestArm;
let server: RunningServer;

beforeAll(async () => {
  ({ bridge, arm } = await startArmBridge({
    flavor: 'ros1',
    ...simulatorArm(),
    timeScale: 2,
    objects: [{ classId: '1', name: 'red block', position: { x: 0.5, y: 0.1, z: 0.02 } }],
  }));
  const dir = mkdtempSync(join(tmpdir(), 'wand-serve-arm-'));
  const config = join(dir, 'arm.json');
  writeFileSync(config, JSON.stringify({ profile: 'arm', objects: { names: { '1': 'red block' } }, limits: { maxToolSpeed: 0.4, maxJointSpeed: 2 } }));
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    speed: null,
    backend: { world: 'tabletop', seed: 0, backend: 'ros', profile: 'arm', url: bridge.url, configPath: config, rehearse: true },
    env: {},
  });
});

afterAll(async () => {
  await server?.close();
  await bridge?.close();
});

const tab = () => sessionTab(server.port);

it('shows the arm, rehearses a program in its twin before the arm moves, and stops it from the page', async () => {
  const { ws, messages, waitFor } = tab();
  const hello = await waitFor((m) => m.type === 'hello');
  expect(hello).toMatchObject({ status: { kind: 'ros', world: 'tabletop' } });
  const state = (await waitFor((m) => m.type === 'state')) as StateFrame;
  expect(state.robot).toMatchObject({ tool: { x: 0.4, y: 0, z: 0.3 } });
  const scene = (await waitFor((m) => m.type === 'scene' && m.objects.some((o) => o.name === 'red block'))) as Extract<ServerMessage, { type: 'scene' }>;
  // The page draws the robot's own arm, from the URDF the robot gave.
  expect(scene.arm).toMatchObject({ baseFrame: 'base_link', urdf: expect.stringContaining('<robot') });

  ws.send(JSON.stringify({ type: 'run', source: 'pick("red block");' }));
  const end = await waitFor((m) => m.type === 'jobEnd', 60_000);
  expect(end).toMatchObject({ ok: true, error: null });
  expect(messages.some((m) => m.type === 'scene' && m.label.startsWith('rehearsal of ROS arm'))).toBe(true);
  const picks = messages.flatMap((m) => (m.type === 'run' && m.event.type === 'callEnd' ? [{ rehearsal: m.rehearsal ?? false, ok: m.event.record.ok }] : []));
  expect(picks).toEqual([
    { rehearsal: true, ok: true },
    { rehearsal: false, ok: true },
  ]);
  expect(arm.heldName()).toBe('red block');

  // A long move, stopped from the page: the goal is cancelled and the arm held where it is.
  const before = arm.goals.length;
  messages.length = 0;
  ws.send(JSON.stringify({ type: 'run', source: 'moveTo({x: 0.3, y: -0.25, z: 0.3});\nmoveTo({x: 0.7, y: 0.25, z: 0.3});' }));
  await waitFor((m) => m.type === 'run' && m.rehearsal !== true && m.event.type === 'call', 30_000);
  while (arm.goals.length === before) await new Promise((r) => setTimeout(r, 10));
  ws.send(JSON.stringify({ type: 'stop' }));
  const stopped = await waitFor((m) => m.type === 'jobEnd');
  expect(stopped).toMatchObject({ ok: false, error: { kind: 'aborted' } });
  await new Promise((r) => setTimeout(r, 200));
  const holds = arm.goals.slice(before).filter((g) => g.goal.trajectory.points.length === 1);
  expect(holds).toHaveLength(1);
  ws.close();
});
