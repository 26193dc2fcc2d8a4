import * as THREE from 'three';
import { OrbitControls } from 'three/examples/jsm/controls/OrbitControls.js';
import type { SceneArmInfo, SceneObjectInfo, StateFrame } from '../protocol.ts';
import type { RoomSpec } from '../../../sim/mobile/room.ts';
import { genericGraph } from './generic-graph.ts';
import { roomGraph } from './room-graph.ts';
import { tabletopGraph } from './tabletop-graph.ts';
import type { WorldGraph } from './world-graph.ts';

// The live 3-D view. It renders on demand (a new state frame, a camera move, a resize) rather than every
// animation frame, so an idle tab costs nothing and a busy one at most one render per display frame.

/** Rasterised on the CPU (SwiftShader, llvmpipe: headless or GPU-less machines)? */
function isSoftware(renderer: THREE.WebGLRenderer): boolean {
  const gl = renderer.getContext();
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  return /swiftshader|llvmpipe|software|softpipe/i.test(String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER)));
}

/**
 * On a GPU the view antialiases at the display's pixel ratio. Rasterised on the CPU it does neither, as
 * that would take the CPU the simulator needs; finding out costs a context, so the cheap one comes first.
 */
function createRenderer(): THREE.WebGLRenderer {
  const plain = new THREE.WebGLRenderer({ antialias: false, preserveDrawingBuffer: true });
  if (isSoftware(plain)) return plain;
  plain.dispose();
  plain.forceContextLoss();
  const renderer = new THREE.WebGLRenderer({ antialias: true, preserveDrawingBuffer: true });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio, 2));
  return renderer;
}

export class View {
  readonly canvas: HTMLCanvasElement;
  private readonly renderer: THREE.WebGLRenderer;
  private readonly scene = new THREE.Scene();
  private readonly camera = new THREE.PerspectiveCamera(45, 1, 0.05, 40);
  private readonly controls: OrbitControls;
  private graph: WorldGraph | null = null;
  private worldName = '';
  private pending = false;
  /** Set after the first render that showed a world; read by the tests and the bench. */
  firstWorldRender: number | null = null;
  onRender: (() => void) | null = null;
  /** How long the last renders took (ms), for the bench. */
  readonly renderMs: number[] = [];

  constructor(host: HTMLElement) {
    this.renderer = createRenderer();
    this.canvas = this.renderer.domElement;
    host.append(this.canvas);

    this.scene.background = new THREE.Color(0x1d232b);
    this.scene.add(new THREE.HemisphereLight(0xeef4ff, 0x3a3226, 1.4));
    const sun = new THREE.DirectionalLight(0xffffff, 1.6);
    sun.position.set(0.3, 0.8, 2);
    this.scene.add(sun);
    const grid = new THREE.GridHelper(4, 40, 0x39424e, 0x2a313a);
    grid.rotation.x = Math.PI / 2; // GridHelper lies in x-z; the world's floor is x-y
    grid.position.z = -0.75;
    this.scene.add(grid);

    this.camera.up.set(0, 0, 1); // z up, as in the simulator
    this.controls = new OrbitControls(this.camera, this.canvas);
    this.controls.enableDamping = false;
    this.controls.addEventListener('change', () => this.requestRender());
    this.frameTabletop();

    new ResizeObserver(() => this.resize(host)).observe(host);
    this.resize(host);
  }

  private frameTabletop(): void {
    this.camera.position.set(1.8, -1.25, 1.35); // across the table from the robot, so the arm does not hide the objects
    this.controls.target.set(0.4, 0, 0.25);
    this.controls.update();
  }

  private frameRoom(room?: RoomSpec): void {
    const [x0, x1] = room?.bounds.x ?? [-3, 3];
    const [y0, y1] = room?.bounds.y ?? [-3, 3];
    const [cx, cy, size] = [(x0 + x1) / 2, (y0 + y1) / 2, Math.max(x1 - x0, y1 - y0)];
    // Far enough back that the whole room fits a square-ish view with the 45° lens.
    this.camera.position.set(cx - size * 0.2, cy - size * 1.0, size * 1.0);
    this.controls.target.set(cx, cy, 0);
    this.controls.update();
  }

  setScene(world: string, objects: SceneObjectInfo[], room?: RoomSpec, arm?: SceneArmInfo): void {
    if (!this.graph || world !== this.worldName || room) {
      if (this.graph) {
        this.scene.remove(this.graph.root);
        this.graph.dispose();
      }
      this.graph = room ? roomGraph(room) : world === 'tabletop' ? tabletopGraph() : genericGraph();
      this.scene.add(this.graph.root);
      if (world !== this.worldName) (world === 'tabletop' ? this.frameTabletop() : this.frameRoom(room));
      this.worldName = world;
    }
    this.graph.setObjects(objects, arm);
    this.requestRender();
  }

  update(frame: StateFrame): void {
    this.graph?.update(frame);
    this.requestRender();
  }

  private resize(host: HTMLElement): void {
    const w = Math.max(1, host.clientWidth);
    const h = Math.max(1, host.clientHeight);
    this.renderer.setSize(w, h, false);
    this.camera.aspect = w / h;
    this.camera.updateProjectionMatrix();
    this.requestRender();
  }

  private requestRender(): void {
    // Nothing worth a frame until a world arrives (and compiling shaders for an empty scene delays it).
    if (this.pending || !this.graph) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      const t0 = performance.now();
      this.renderer.render(this.scene, this.camera);
      this.renderMs.push(performance.now() - t0);
      if (this.renderMs.length > 120) this.renderMs.splice(0, 60);
      if (this.graph && this.firstWorldRender === null) this.firstWorldRender = performance.now();
      this.onRender?.();
    });
  }
}
