import { WandError } from '../../core/errors.ts';
import type { InterfaceEntry } from './config.ts';
import { actionFromFeedbackTopicType, actionFromGoalTopicType, actionPartType, parseTypeName, sameType } from './type-names.ts';
import { TypeDefsResponse, TypeIndex, type TypeDef } from './typedefs.ts';

// Reads each declared interface's type from the robot through rosapi, and the definitions of every message
// in it: topic_type / service_type / action_type, then message_details, service_{request,response}_details
// and action_{goal,result,feedback}_details. A ROS 1 action is five topics, so its type is read from the
// goal topic's (`…ActionGoal`); rosapi versions without action_type get the same from the hidden action topics.

/** Calls one rosapi service by its short name (`topic_type`), as Rosapi.call does; rejects with its error text. */
export type RosapiCall = (service: string, args: Record<string, unknown>) => Promise<unknown>;

export interface ResolvedInterface {
  entry: InterfaceEntry;
  /** The interface's type as the robot names it (std_srvs/Trigger, nav2_msgs/action/NavigateToPose). */
  type: string;
  /** For actions: which ROS the robot runs (ROS 1 actionlib topics or ROS 2 action operations). */
  ros?: 1 | 2;
  /** The message types of the parts: a topic's message, a service's request and response, an action's goal, result, feedback. */
  parts: { message?: string; request?: string; response?: string; goal?: string; result?: string; feedback?: string };
  /** Every typedef the robot gave for this interface. */
  typedefs: TypeDef[];
}

const what = (e: InterfaceEntry) => `${e.primitive} (${e.kind} ${e.name})`;

function typeField(res: unknown): string {
  const t = (res as { type?: unknown } | null)?.type;
  return typeof t === 'string' ? t.trim() : '';
}

/** The robot's answer, or null when rosapi has no such service or it failed. */
async function attempt(call: RosapiCall, service: string, args: Record<string, unknown>): Promise<unknown | null> {
  try {
    return await call(service, args);
  } catch {
    return null;
  }
}

async function typedefs(call: RosapiCall, service: string, type: string, forWhat: string): Promise<TypeDef[]> {
  let res: unknown;
  try {
    res = await call(service, { type });
  } catch (err) {
    throw new WandError('connection', `${forWhat}: rosapi could not describe ${type} (${service}: ${(err as Error).message})`);
  }
  const parsed = TypeDefsResponse.safeParse(res);
  if (!parsed.success || parsed.data.typedefs.length === 0) {
    throw new WandError('connection', `${forWhat}: rosapi returned no definition of ${type} (${service}); is its package installed where rosbridge runs?`);
  }
  return parsed.data.typedefs;
}

function checkDeclared(e: InterfaceEntry, found: string): void {
  if (e.type && !sameType(e.type, found)) {
    throw new WandError('usage', `${what(e)}: the robot reports the type ${found}, but the config says ${e.type}`);
  }
}

async function topicType(call: RosapiCall, topic: string): Promise<string> {
  return typeField(await call('topic_type', { topic }));
}

async function resolveTopic(call: RosapiCall, e: InterfaceEntry): Promise<ResolvedInterface> {
  let type = await topicType(call, e.name);
  if (!type) {
    if (!e.type) {
      throw new WandError(
        'usage',
        `${what(e)}: nothing on the robot publishes or subscribes to ${e.name}, so its type is unknown; start the node, or give "type" in the entry`,
      );
    }
    type = e.type;
  }
  checkDeclared(e, type);
  // A type taken from the config may be in ROS 1 spelling; some ROS 2 rosapis only load `pkg/msg/Name`.
  const defs = await typedefs(call, 'message_details', type, what(e)).catch((err) => {
    const t = parseTypeName(type);
    if (!t || t.kind) throw err;
    return typedefs(call, 'message_details', `${t.pkg}/msg/${t.name}`, what(e));
  });
  return { entry: e, type, parts: { message: defs[0]!.type }, typedefs: defs };
}

async function resolveService(call: RosapiCall, e: InterfaceEntry): Promise<ResolvedInterface> {
  const type = typeField(await call('service_type', { service: e.name }));
  if (!type) throw new WandError('usage', `${what(e)}: the robot has no service ${e.name} (rosapi knows none by that name); is its node running?`);
  checkDeclared(e, type);
  const [req, res] = await Promise.all([
    typedefs(call, 'service_request_details', type, what(e)),
    typedefs(call, 'service_response_details', type, what(e)),
  ]);
  return { entry: e, type, parts: { request: req[0]!.type, response: res[0]!.type }, typedefs: [...req, ...res] };
}

/** The action's type: ROS 1 from its goal topic's type; ROS 2 from rosapi's action_type, else its hidden feedback topic. */
async function actionType(call: RosapiCall, e: InterfaceEntry, ros: 1 | 2): Promise<string> {
  const ns = e.name.replace(/\/$/, '');
  if (ros === 1) return actionFromGoalTopicType(await topicType(call, `${ns}/goal`).catch(() => '')) ?? '';
  const named = typeField(await attempt(call, 'action_type', { action: e.name }));
  return named || (actionFromFeedbackTopicType(await topicType(call, `${ns}/_action/feedback`).catch(() => '')) ?? '');
}

async function resolveAction(call: RosapiCall, e: InterfaceEntry, ros: 1 | 2): Promise<ResolvedInterface> {
  let type = await actionType(call, e, ros);
  if (!type) {
    // An action server that has not started yet, or a rosapi that lists no actions: trust the config's type.
    if (!e.type) {
      const where = ros === 1 ? `no topic ${e.name}/goal` : `rosapi's action_type does not know ${e.name}`;
      throw new WandError('usage', `${what(e)}: the robot has no action server at ${e.name} (${where}); is it running? Or give "type" in the entry`);
    }
    type = e.type;
  }
  checkDeclared(e, type);
  const parts = ['Goal', 'Result', 'Feedback'] as const;
  const details = await Promise.all(
    parts.map(async (part) => {
      if (ros === 2) {
        const direct = await attempt(call, `action_${part.toLowerCase()}_details`, { type });
        const parsed = TypeDefsResponse.safeParse(direct);
        if (parsed.success && parsed.data.typedefs.length) return parsed.data.typedefs;
      }
      return typedefs(call, 'message_details', actionPartType(type, part, ros), what(e)).catch((err: WandError) => {
        if (ros === 1) throw err;
        throw new WandError('connection', `${err.message}; describing ROS 2 actions needs rosapi's action_goal_details, action_result_details and action_feedback_details (a recent rosbridge_suite)`);
      });
    }),
  );
  const [goal, result, feedback] = details.map((d) => d[0]!.type);
  return { entry: e, type, ros, parts: { goal, result, feedback }, typedefs: details.flat() };
}

/**
 * Resolves every entry; the first that cannot be resolved is the error (naming the entry). `ros` (the
 * robot's ROS version) is needed only when actions are declared.
 */
export async function introspect(call: RosapiCall, entries: InterfaceEntry[], ros?: 1 | 2): Promise<ResolvedInterface[]> {
  return Promise.all(
    entries.map(async (e) => {
      try {
        if (e.kind === 'service') return await resolveService(call, e);
        if (e.kind === 'action') return await resolveAction(call, e, ros ?? 1);
        return await resolveTopic(call, e);
      } catch (err) {
        if (err instanceof WandError) throw err;
        throw new WandError(
          'connection',
          `${what(e)}: cannot read its type through rosapi (${(err as Error).message}); declared interfaces need the rosapi node running beside rosbridge`,
        );
      }
    }),
  );
}

/** All typedefs of a set of interfaces in one index (shared message types are described once). */
export function indexOf(resolved: ResolvedInterface[]): TypeIndex {
  return new TypeIndex(resolved.flatMap((r) => r.typedefs));
}
