import { afterEach, describe, expect, it } from 'vitest';
import { WandError } from '../src/core/errors.ts';
import { ActionCallError, actionTypeParts, createActionClient, type ActionClient } from '../src/ros/action.ts';
import { RosLink } from '../src/ros/link.ts';
import { Rosapi } from '../src/ros/rosapi.ts';
import { armTypes } from './helpers/ros-arm-messages.ts';
import { RosbridgeTestServer, type Flavor } from './helpers/rosbridge-server.ts';
import { TestActionServer, type ServerGoal } from './helpers/test-action-server.ts';

// The action client against the test bridge's action servers: ROS 1 actionlib topics and ROS 2 action
// operations, with roslib underneath. What goes over the wire is asserted from the bridge's frame log.

const NAME = '/arm_controller/follow_joint_trajectory';
const TYPE = 'control_msgs/FollowJointTrajectory';
const goal = { trajectory: { joint_names: ['a'], points: [{ positions: [0.1], time_from_start: { secs: 0, nsecs: 100_000_000 } }] } };
const goal2 = { trajectory: { joint_names: ['a'], points: [{ positions: [0.1], time_from_start: { sec: 0, nanosec: 100_000_000 } }] } };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const fn of cleanup.reverse()) await fn();
  cleanup = [];
});

type Behaviour = (g: ServerGoal) => void;

async function setup(flavor: Flavor, behaviour: Behaviour, opts: { dropAfterAdvertiseMs?: number; feedback?: boolean } = {}) {
  const bridge = await RosbridgeTestServer.start({ flavor, base: false, dropAfterAdvertiseMs: opts.dropAfterAdvertiseMs ?? 0 });
  bridge.extend({ types: armTypes(flavor) });
  const cancels: string[] = [];
  const server = new TestActionServer(bridge, NAME, TYPE, {
    onGoal: behaviour,
    onCancel: (g) => {
      cancels.push(g.id);
      g.canceled({ error_code: 0 });
    },
  });
  const link = new RosLink(bridge.url, 'commands', { retryMinMs: 50, retryMaxMs: 100 });
  await link.open(2000);
  const client: ActionClient = await createActionClient(link, { name: NAME, type: TYPE, version: flavor === 'ros1' ? 1 : 2, feedback: opts.feedback });
  cleanup.push(
    () => client.dispose(),
    () => link.close(),
    () => server.close(),
    () => bridge.close(),
  );
  return { bridge, server, link, client, cancels, goal: flavor === 'ros1' ? goal : goal2 };
}

const later = (ms: number, fn: () => void) => void setTimeout(fn, ms);

describe('action types', () => {
  it('reads every spelling of an action type', () => {
    for (const t of ['control_msgs/FollowJointTrajectory', 'control_msgs/action/FollowJointTrajectory', 'control_msgs/FollowJointTrajectoryAction']) {
      expect(actionTypeParts(t)).toEqual({ pkg: 'control_msgs', name: 'FollowJointTrajectory' });
    }
    expect(() => actionTypeParts('FollowJointTrajectory')).toThrow(/not an action type/);
  });
});

describe.each(['ros1', 'ros2'] as const)('action client (%s)', (flavor) => {
  it('sends a goal and resolves with the server result; feedback arrives on the way', async () => {
    const { client, server, bridge, goal } = await setup(
      flavor,
      (g) => {
        g.accept();
        later(30, () => g.feedback({ joint_names: ['a'] }));
        later(120, () => g.succeed({ error_code: 0, error_string: 'done' }));
      },
      { feedback: true },
    );
    const feedback: unknown[] = [];
    const out = await client.send(goal, { timeoutMs: 3000, onFeedback: (f) => feedback.push(f) }).done;
    expect(out).toMatchObject({ status: 'succeeded', result: { error_code: 0, error_string: 'done' } });
    expect(feedback.length).toBeGreaterThan(0);
    expect(server.received).toHaveLength(1);
    const sent = bridge.frames.filter((f) => (flavor === 'ros1' ? f.frame.op === 'publish' && f.frame.topic === `${NAME}/goal` : f.frame.op === 'send_action_goal'));
    if (flavor === 'ros1') {
      // actionlib: a unique goal id, stamp zero, the goal topic advertised before the publish.
      expect(sent[0]!.frame.msg.goal_id).toEqual({ stamp: { secs: 0, nsecs: 0 }, id: expect.stringMatching(/^wand-/) });
      const adv = bridge.frames.findIndex((f) => f.frame.op === 'advertise' && f.frame.topic === `${NAME}/goal`);
      expect(adv).toBeGreaterThanOrEqual(0);
      expect(adv).toBeLessThan(bridge.frames.indexOf(sent[0]!));
    } else {
      expect(sent[0]!.frame).toMatchObject({ action: NAME, action_type: 'control_msgs/action/FollowJointTrajectory', feedback: true, args: goal });
    }
  });

  it('gives every goal its own id', async () => {
    const { client, goal } = await setup(flavor, (g) => later(10, () => g.succeed({ error_code: 0 })));
    const a = client.send(goal, { timeoutMs: 3000 });
    const b = client.send(goal, { timeoutMs: 3000 });
    expect(a.id).not.toBe(b.id);
    await Promise.all([a.done, b.done]);
  });

  it('reports a rejection and an abort with the result the server sent', async () => {
    let n = 0;
    const { client, goal } = await setup(flavor, (g) => (n++ === 0 ? g.reject({ error_code: -2 }) : g.abort({ error_code: -4, error_string: 'path' })));
    expect((await client.send(goal, { timeoutMs: 3000 }).done).status).toBe('rejected');
    expect(await client.send(goal, { timeoutMs: 3000 }).done).toMatchObject({ status: 'aborted', result: { error_code: -4, error_string: 'path' } });
  });

  it('cancels the goal on the robot when the signal aborts, and rejects with the abort reason at once', async () => {
    const { client, cancels, bridge, goal } = await setup(flavor, (g) => g.accept());
    const stop = new AbortController();
    const handle = client.send(goal, { timeoutMs: 10_000, signal: stop.signal });
    await sleep(300);
    stop.abort(new WandError('aborted', 'stopped by Ctrl-C'));
    const err = await handle.done.catch((e) => e);
    expect(err).toBeInstanceOf(WandError);
    expect(err.message).toBe('stopped by Ctrl-C');
    await sleep(100);
    const cancel = bridge.frames.find((f) => (flavor === 'ros1' ? f.frame.topic === `${NAME}/cancel` && f.frame.op === 'publish' : f.frame.op === 'cancel_action_goal'));
    expect(cancel).toBeDefined();
    if (flavor === 'ros1') expect(cancel!.frame.msg).toEqual({ stamp: { secs: 0, nsecs: 0 }, id: handle.id });
    else expect(cancel!.frame).toMatchObject({ id: handle.id, action: NAME });
    expect(cancels).toHaveLength(1);
  });

  it('gives up on a goal that does not finish in time, and cancels it', async () => {
    const { client, cancels, goal } = await setup(flavor, (g) => g.accept());
    const err = await client.send(goal, { timeoutMs: 400 }).done.catch((e) => e);
    expect(err).toBeInstanceOf(ActionCallError);
    expect(err.reason).toBe('timeout');
    await sleep(100);
    expect(cancels).toHaveLength(1);
  });

  it('rejects pending goals when the link drops, and never sends or replays a goal while it is down', async () => {
    const { client, bridge, link, server, goal } = await setup(flavor, (g) => g.accept());
    const pending = client.send(goal, { timeoutMs: 10_000 }).done.catch((e) => e);
    await sleep(300);
    await bridge.goOffline();
    const err = await pending;
    expect(err).toBeInstanceOf(ActionCallError);
    expect(err.reason).toBe('disconnected');
    const offline = await client.send(goal, { timeoutMs: 1000 }).done.catch((e) => e);
    expect(offline.reason).toBe('disconnected');
    await bridge.goOnline();
    const end = performance.now() + 5000;
    while (!link.isUp && performance.now() < end) await sleep(20);
    await sleep(500);
    expect(server.received).toHaveLength(1); // the goal tried while offline never arrived
  });
});

describe('action client (ros1) against rosbridge 0.11', () => {
  it('publishes a goal lost right after the advertise again until the server lists it', async () => {
    const { client, server, bridge } = await setup('ros1', (g) => later(20, () => g.succeed({ error_code: 0 })), { dropAfterAdvertiseMs: 400 });
    const out = await client.send(goal, { timeoutMs: 5000 }).done;
    expect(out.status).toBe('succeeded');
    expect(bridge.log.some((l) => l.includes(`${NAME}/goal: lost`))).toBe(true);
    expect(server.received).toHaveLength(1);
  });

  it('says so when no action server answers', async () => {
    const bridge = await RosbridgeTestServer.start({ flavor: 'ros1', base: false });
    bridge.extend({ types: armTypes('ros1') });
    const link = new RosLink(bridge.url, 'commands');
    await link.open(2000);
    const client = await createActionClient(link, { name: '/nobody', type: TYPE, version: 1, ackTimeoutMs: 500 });
    cleanup.push(
      () => client.dispose(),
      () => link.close(),
      () => bridge.close(),
    );
    const err = await client.send(goal, { timeoutMs: 5000 }).done.catch((e) => e);
    expect(err.reason).toBe('unacknowledged');
    expect(err.message).toMatch(/nothing was heard on \/nobody\/status/);
  });
});

describe('action client (ros2) without a server', () => {
  it('reports rosbridge\'s failure text', async () => {
    const bridge = await RosbridgeTestServer.start({ flavor: 'ros2', base: false });
    const link = new RosLink(bridge.url, 'commands');
    await link.open(2000);
    const client = await createActionClient(link, { name: '/nobody', type: TYPE, version: 2 });
    cleanup.push(
      () => client.dispose(),
      () => link.close(),
      () => bridge.close(),
    );
    expect(await client.send(goal2, { timeoutMs: 5000 }).done).toMatchObject({ status: 'failed', text: 'No action server available' });
  });
});

describe.each(['ros1', 'ros2'] as const)('rosapi (%s)', (flavor) => {
  it('tells the ROS version, reads a JSON-encoded parameter, and lists actions once each with their types', async () => {
    const bridge = await RosbridgeTestServer.start({ flavor, base: false });
    const param = flavor === 'ros1' ? '/robot_description' : '/robot_state_publisher:robot_description';
    bridge.extend({ types: armTypes(flavor), params: { [param]: '<robot name="r"/>' } });
    const server = new TestActionServer(bridge, NAME, TYPE, { onGoal: () => {}, onCancel: () => {} });
    const link = new RosLink(bridge.url, 'commands');
    await link.open(2000);
    cleanup.push(
      () => link.close(),
      () => server.close(),
      () => bridge.close(),
    );
    const rosapi = new Rosapi(link);
    expect((await rosapi.version()).version).toBe(flavor === 'ros1' ? 1 : 2);
    expect(await rosapi.param(param)).toBe('<robot name="r"/>');
    expect(await rosapi.param(flavor === 'ros1' ? '/nothing' : '/node:nothing')).toBeUndefined();
    const all = await rosapi.interfaces();
    expect(all.actions).toEqual([{ name: NAME, type: flavor === 'ros1' ? TYPE : 'control_msgs/action/FollowJointTrajectory' }]);
    expect(all.services.find((s) => s.name === '/rosapi/topics')?.type).toMatch(/Topics$/);
  });
});
