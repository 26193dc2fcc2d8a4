import type { ClientMessage, WorldName } from '../protocol.ts';
import { el } from './dom.ts';

// The e-stop is its own fixed element, outside every panel, so nothing can scroll or cover it; it is
// never disabled. The scene buttons sit over the view.

const SPEEDS = [
  ['real time', '1'],
  ['2× speed', '2'],
  ['5× speed', '5'],
  ['as fast as possible', 'max'],
] as const;

export class Controls {
  readonly estop: HTMLButtonElement;
  readonly toolbar: HTMLElement;
  readonly world: HTMLSelectElement;
  readonly speed: HTMLSelectElement;
  private readonly sceneButtons: HTMLButtonElement[];

  constructor(send: (msg: ClientMessage) => void) {
    this.estop = el('button', { class: 'estop', text: 'STOP', title: 'Emergency stop: abort the program and halt the robot (Esc)', attrs: { type: 'button', 'aria-label': 'emergency stop' } });
    this.estop.addEventListener('click', () => send({ type: 'stop' }));
    // Esc anywhere stops too: the fastest reflex a keyboard offers.
    window.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') send({ type: 'stop' });
    });

    const reset = el('button', { text: 'Reset scene', title: 'put everything back where this scene started', attrs: { type: 'button' } });
    reset.addEventListener('click', () => send({ type: 'reset' }));
    const random = el('button', { text: 'New random scene', attrs: { type: 'button' } });
    random.addEventListener('click', () => send({ type: 'newScene' }));
    this.world = el('select', { attrs: { 'aria-label': 'world' } }, el('option', { text: 'tabletop', attrs: { value: 'tabletop' } }), el('option', { text: 'mobile', attrs: { value: 'mobile' } }));
    this.world.addEventListener('change', () => send({ type: 'world', world: this.world.value as WorldName }));
    this.speed = el(
      'select',
      { attrs: { 'aria-label': 'simulation speed' }, title: 'how fast the simulator runs while you watch' },
      ...SPEEDS.map(([label, value]) => el('option', { text: label, attrs: { value } })),
    );
    this.speed.addEventListener('change', () => send({ type: 'speed', speed: this.speed.value === 'max' ? null : Number(this.speed.value) }));
    this.sceneButtons = [reset, random];
    this.toolbar = el('div', { class: 'toolbar' }, reset, random, this.world, this.speed);
  }

  /** A real robot's scene is the real world: no resets; the speed still applies to its rehearsals. */
  robotMode(on: boolean): void {
    for (const b of this.sceneButtons) b.disabled = on;
    this.world.disabled = on;
  }

  showSpeed(speed: number | null): void {
    const value = speed === null ? 'max' : String(speed);
    if (!Array.from(this.speed.options).some((o) => o.value === value)) this.speed.append(el('option', { text: `${speed}× speed`, attrs: { value } }));
    this.speed.value = value;
  }
}
