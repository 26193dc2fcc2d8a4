import type { ClientMessage, WorldName } from '../protocol.ts';
import { el } from './dom.ts';

// The e-stop is its own fixed element, outside every panel, so nothing can scroll or cover it; it is
// never disabled. The scene buttons sit over the view.

export class Controls {
  readonly estop: HTMLButtonElement;
  readonly toolbar: HTMLElement;
  readonly world: HTMLSelectElement;
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
    this.sceneButtons = [reset, random];
    this.toolbar = el('div', { class: 'toolbar' }, reset, random, this.world);
  }

  /** A real robot's scene is the real world: only the e-stop applies. */
  robotMode(on: boolean): void {
    for (const b of this.sceneButtons) b.disabled = on;
    this.world.disabled = on;
  }
}
