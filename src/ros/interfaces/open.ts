import type { Backend } from '../../../primitives/backend.ts';
import type { OpenBackend } from '../../backends/open.ts';
import type { Primitive } from '../../../primitives/define.ts';
import { attachInterfaces, type DeclaredInterfaces } from '../../../primitives/interface.ts';
import type { RosLink } from '../link.ts';
import { Rosapi } from '../rosapi.ts';
import { robotSpecs, withInterfaces } from './build.ts';
import type { InterfaceEntry, Unrehearsed } from './config.ts';
import { RosInterfaces } from './host.ts';
import { introspect } from './introspect.ts';

export interface InterfacesConfig {
  interfaces: InterfaceEntry[];
  unrehearsed: Unrehearsed;
  /** The arm config names the ROS version; otherwise rosapi is asked (only when actions are declared). */
  rosVersion?: 'auto' | 1 | 2;
}

/** How long one rosapi question may take while the interfaces are read. */
const ROSAPI_TIMEOUT_MS = 3000;

/**
 * Connect time: reads the declared interfaces' types from the robot, makes their primitives and attaches
 * the real interfaces to the robot's backend. Without declared interfaces the profile's primitives stay as they are.
 */
export async function openInterfaces(
  backend: Backend,
  links: { commands: RosLink; telemetry: RosLink },
  config: InterfacesConfig,
  builtins: Primitive<any>[],
): Promise<{ primitives: Primitive<any>[]; interfaces?: DeclaredInterfaces }> {
  if (config.interfaces.length === 0) return { primitives: builtins };
  const rosapi = new Rosapi(links.commands, ROSAPI_TIMEOUT_MS);
  const wantsVersion = config.interfaces.some((e) => e.kind === 'action');
  const version = !wantsVersion ? undefined : config.rosVersion && config.rosVersion !== 'auto' ? config.rosVersion : (await rosapi.version()).version;
  const resolved = await introspect((service, args) => rosapi.call(service, args), config.interfaces, version);
  const specs = robotSpecs(resolved, builtins);
  const primitives = withInterfaces(builtins, specs);
  attachInterfaces(backend, await RosInterfaces.open(links, resolved));
  return { primitives, interfaces: { specs, unrehearsed: config.unrehearsed } };
}

/** The part of a status line that says motion interfaces run without approval (the config allows it). */
export function unrehearsedNote(declared: DeclaredInterfaces | undefined): string {
  const motion = declared?.specs.filter((s) => s.motion).map((s) => s.primitive) ?? [];
  if (!motion.length || declared!.unrehearsed !== 'allow') return '';
  return ` (unrehearsed motion allowed by the config: ${motion.join(', ')})`;
}

/**
 * An opened robot with its declared interfaces added (primitives, the real interfaces on its backend, the
 * status line). If they cannot be opened the robot is closed again and the error names the interface.
 */
export async function withDeclaredInterfaces(
  opened: OpenBackend,
  links: { commands: RosLink; telemetry: RosLink },
  config: InterfacesConfig,
): Promise<OpenBackend> {
  try {
    const { primitives, interfaces } = await openInterfaces(opened.backend, links, config, opened.primitives);
    return { ...opened, primitives, ...(interfaces && { interfaces, label: `${opened.label}${unrehearsedNote(interfaces)}` }) };
  } catch (err) {
    await opened.backend.dispose();
    throw err;
  }
}
