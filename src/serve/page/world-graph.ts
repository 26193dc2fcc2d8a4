import type * as THREE from 'three';
import type { SceneArmInfo, SceneObjectInfo, StateFrame } from '../protocol.ts';

/** What the view needs of a world's drawing: a root to add to the scene, rebuilt per object list, posed per frame. */
export interface WorldGraph {
  readonly root: THREE.Object3D;
  setObjects(objects: SceneObjectInfo[], arm?: SceneArmInfo): void;
  update(frame: StateFrame): void;
  dispose(): void;
}
