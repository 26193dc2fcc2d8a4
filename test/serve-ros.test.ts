import { afterAll, beforeAll, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ServerMessage, StateFrame } from '../src/serve/protocol.ts';
import { startServer, type RunningServer } from '../src/serve/server.ts';
import { RosbridgeTestServer } from './helpers/rosbridge-server.ts';

// A session on a ROS robot (the test rosbridge's simulated base): the page gets the robot's live
// odometry, and a program's rehearsal streams from the simulated twin before the robot moves.

let bridge: RosbridgeTestServer;
let server: RunningServer;

beforeAll(async () => {
  bridge = await RosbridgeTestServer.start();
  server = await startServer({
    port: 0,
    host: '127.0.0.1',
    speed: 4,
    backend: { world: 'mobile', seed: 0, backend: 'ros', url: bridge.url, rehearse: true },
    env: {},
  });
});

afterAll(async () => {
  await server?.close();
  await bridge?.close();
});

function tab() {
  const ws = new WebSocket(`ws://127.0.0.1:${server.port}/ws`);
  const messages: ServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(String(d))));
  const waitFor = async (pred: (m: ServerMessage) => boolean, timeoutMs = 15_000) => {
    const t0 = Date.now();
    while (Date.now() - t0 < timeoutMs) {
      const m = messages.find(pred);
      if (m) return m;
      await new Promise((r) => setTimeout(r, 20));
    }
    throw new Error(`timed out; got ${[...new Set(messages.map((m) => m.type))].join(', ')}`);
  };
  return { ws, messages, waitFor };
}

it('streams odometry and shows the rehearsal before the robot drives', async () => {
  const { ws, messages, waitFor } = tab();
  const hello = await waitFor((m) => m.type === 'hello');
  expect(hello).toMatchObject({ status: { kind: 'ros', backend: `ROS robot at ${bridge.url}` } });
  const first = (await waitFor((m) => m.type === 'state' && !!m.odom)) as StateFrame;
  expect(first.odom).toEqual({ x: 0, y: 0, yaw: 0 });

  ws.send(JSON.stringify({ type: 'run', source: 'drive(0.3);' }));
  const end = await waitFor((m) => m.type === 'jobEnd', 30_000);
  expect(end).toMatchObject({ ok: true, error: null });
  const frames = messages.filter((m): m is StateFrame => m.type === 'state');
  const rehearsal = frames.filter((f) => f.rehearsal);
  expect(rehearsal.length).toBeGreaterThan(2);
  // While rehearsing, the robot itself has not moved yet; the twin has.
  expect(rehearsal.at(-1)!.odom!.x).toBeLessThan(0.02);
  expect(messages.some((m) => m.type === 'scene' && m.label.startsWith('rehearsal of ROS robot'))).toBe(true);
  // The rehearsal's calls reach the page as such, before the robot's own.
  const drives = messages.flatMap((m) => (m.type === 'run' && m.event.type === 'callEnd' ? [{ rehearsal: m.rehearsal ?? false, ok: m.event.record.ok, primitive: m.event.record.primitive }] : []));
  expect(drives).toEqual([
    { rehearsal: true, ok: true, primitive: 'drive' },
    { rehearsal: false, ok: true, primitive: 'drive' },
  ]);
  await waitFor((m) => m.type === 'state' && !m.rehearsal && (m.odom?.x ?? 0) > 0.25, 5000);
  ws.close();
});

it('lets one tab drive the robot at a time, and any tab stop it', async () => {
  const a = tab();
  const b = tab();
  await a.waitFor((m) => m.type === 'state');
  await b.waitFor((m) => m.type === 'state');
  a.ws.send(JSON.stringify({ type: 'run', source: 'drive(1.0);\ndrive(-1.0);' }));
  await a.waitFor((m) => m.type === 'run');
  b.ws.send(JSON.stringify({ type: 'run', source: 'turn(90);' }));
  const refused = await b.waitFor((m) => m.type === 'error');
  expect((refused as { message: string }).message).toMatch(/another tab/);
  b.ws.send(JSON.stringify({ type: 'stop' }));
  const end = await a.waitFor((m) => m.type === 'jobEnd');
  expect(end).toMatchObject({ ok: false, error: { kind: 'aborted' } });
  a.ws.close();
  b.ws.close();
});
