import { readFile } from 'node:fs/promises';
import { primitivesFor } from '../../../primitives/index.ts';
import { loadSceneFile, randomScene } from '../../../sim/tabletop/scene.ts';
import type { OpenBackend } from '../../backends/open.ts';
import type { BackendOptions } from '../../backends/options.ts';
import { WandError } from '../../core/errors.ts';
import { loadArmModel, simArmModel, type ArmModel } from '../../kinematics/arm-model.ts';
import { simulatedInterfaces } from '../interfaces/build.ts';
import { loadArmConfig, type ArmConfig } from './config.ts';
import { armLimits } from './limits.ts';
import { TableFrame } from './table-frame.ts';
import { createArmTwin } from './twin.ts';

// `--profile arm` without a robot: the simulated twin of the arm the config describes (its URDF file, or the
// simulator's own arm when the URDF lives on the robot), with its workspace, table and envelope, so a program
// can be tried exactly as the robot would take it, before the robot is connected.

export async function openSimulatedArm(opts: BackendOptions): Promise<OpenBackend> {
  const config = await loadArmConfig(opts.configPath);
  const model = await modelFor(config);
  const frame = new TableFrame(config);
  const scenePath = opts.scenePath ?? ('scene' in config.objects ? config.objects.scene : undefined);
  const scene = scenePath ? await loadSceneFile(scenePath) : randomScene(opts.seed, { blocks: opts.blocks, bowls: opts.bowls });
  const objects = scene.objects.map((o) => ({ ...o, position: { ...o.position }, size: { x: 0, y: 0, z: 0 } }));
  // The simulator's own arm starts in its rest pose; another starts with the gripper at home, near mid-range joints.
  let joints: number[] | undefined;
  if (model !== simArmModel()) {
    const mid = model.joints.map((j) => (Number.isFinite(j.lower) && Number.isFinite(j.upper) ? (j.lower + j.upper) / 2 : 0));
    joints = model.ik(frame.toBase(frame.home()), mid) ?? undefined;
    if (!joints) throw new WandError('usage', `the arm in ${opts.configPath ?? 'the config'} cannot reach its home position ${JSON.stringify(frame.home())} with the gripper pointing down`);
  }
  const { limits, envelope } = armLimits(config, model);
  const twin = await createArmTwin({ model, joints, objects, frame, envelope, limits });
  const what = typeof config.robotDescription === 'object' ? config.robotDescription.file : "the simulator's arm";
  const label = `simulated arm (${what}, ${scenePath ? `scene ${scenePath}` : `seed ${opts.seed}`})`;
  // Its declared interfaces are answered by stand-ins, as in a rehearsal.
  return { backend: twin.backend, ...simulatedInterfaces(primitivesFor('tabletop'), config), label };
}

async function modelFor(config: ArmConfig): Promise<ArmModel> {
  if (typeof config.robotDescription !== 'object') return simArmModel();
  const { file } = config.robotDescription;
  let urdf: string;
  try {
    urdf = await readFile(file, 'utf8');
  } catch (err) {
    throw new WandError('usage', `cannot read the robot description ${file}: ${(err as Error).message}`);
  }
  return loadArmModel(urdf, { baseFrame: config.baseFrame, toolFrame: config.toolFrame, toolOffset: config.toolOffset });
}
