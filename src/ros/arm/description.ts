import { readFile } from 'node:fs/promises';
import { Topic } from 'roslib';
import { WandError } from '../../core/errors.ts';
import type { RosLink } from '../link.ts';
import { type Rosapi, type RosVersion } from '../rosapi.ts';
import { ServiceCallError } from '../service.ts';
import type { ArmConfig } from './config.ts';

// The robot's URDF: a file, or its robot_description. On ROS 1 that is a global parameter; on ROS 2 it is
// a parameter of robot_state_publisher, which also publishes it on the (latched) /robot_description topic.

const TOPIC_WAIT_MS = 2000;

export async function readRobotDescription(config: ArmConfig, rosapi: Rosapi, version: RosVersion, link: RosLink): Promise<string> {
  const source = config.robotDescription;
  if (typeof source === 'object') {
    try {
      return checked(await readFile(source.file, 'utf8'), `the file ${source.file}`);
    } catch (err) {
      if (err instanceof WandError) throw err;
      throw new WandError('usage', `cannot read the robot description ${source.file}: ${(err as Error).message}`);
    }
  }
  const tried: string[] = [];
  const fromParam = async (name: string) => {
    tried.push(`parameter ${name}`);
    try {
      const value = await rosapi.param(name);
      return typeof value === 'string' && value.trim() ? value : undefined;
    } catch (err) {
      if (err instanceof ServiceCallError) return undefined;
      throw err;
    }
  };
  let urdf: string | undefined;
  if (version === 1 || source.includes(':')) urdf = await fromParam(source);
  else {
    // ROS 2 parameters belong to a node: robot_state_publisher's, or the topic it publishes.
    urdf = await fromParam(`/robot_state_publisher:${source.replace(/^\//, '')}`);
    if (!urdf) {
      tried.push(`topic ${source}`);
      urdf = await fromTopic(link, source);
    }
  }
  if (!urdf) {
    throw new WandError(
      'connection',
      `no robot description found (${tried.join(', ')}); set "robotDescription" in the config to the parameter that holds the URDF ` +
        `(ROS 2: "/node:param") or to {"file": "robot.urdf"}`,
    );
  }
  return checked(urdf, tried.at(-1)!);
}

function checked(text: string, where: string): string {
  if (!/<robot[\s>]/.test(text)) throw new WandError('usage', `${where} does not hold a URDF (no <robot> element)`);
  return text;
}

function fromTopic(link: RosLink, name: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const topic = new Topic<{ data?: unknown }>({ ros: link.ros, name, messageType: 'std_msgs/msg/String' });
    const done = (value: string | undefined) => {
      clearTimeout(timer);
      topic.unsubscribe();
      resolve(value);
    };
    const timer = setTimeout(() => done(undefined), TOPIC_WAIT_MS);
    topic.subscribe((m) => done(typeof m.data === 'string' && m.data.trim() ? m.data : undefined));
  });
}
