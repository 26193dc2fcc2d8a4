import type * as THREE from 'three';
import type { SceneObjectInfo, StateFrame } from '../protocol.ts';

/** What the view needs of a world's drawing: a root to add to the scene, rebuilt per object list, posed per frame. */
export interface WorldGraph {
  readonly root: THREE.Object3D;
  setObjects(objects: SceneObjectInfo[]): void;
  update(frame: StateFrame): void;
  dispose(): void;
}
