import type { SessionStatus } from '../protocol.ts';
import type { ConnectionState } from './connection.ts';
import { el } from './dom.ts';

// One line that answers "what am I talking to": the model endpoint (or how to set one), the backend
// (simulator or a robot's URL), whether programs wait for approval, and whether the page is connected.

export class StatusLine {
  readonly root: HTMLElement;
  private readonly model = el('span', { class: 'model' });
  private readonly backend = el('span', { class: 'backend' });
  private readonly link = el('span', { class: 'link' });
  private readonly pose = el('span', { class: 'pose' });
  private readonly approval = el('span', { class: 'approval-required', title: 'every program waits for your approval before the robot moves' });

  constructor() {
    this.root = el('div', { class: 'status', attrs: { role: 'status' } }, this.link, this.backend, this.approval, this.model, this.pose);
    this.connection('connecting');
  }

  set(status: SessionStatus): void {
    this.model.textContent = status.model.configured ? `model: ${status.model.text}` : status.model.text;
    this.model.classList.toggle('warn', !status.model.configured);
    this.backend.textContent = `backend: ${status.backend}`;
    this.approval.textContent = status.approval ? 'approval required' : '';
  }

  connection(state: ConnectionState, detail?: string, rttMs?: number | null): void {
    this.link.className = `link ${state}`;
    this.link.textContent = state === 'connected' ? `● connected${rttMs != null ? ` (${rttMs} ms)` : ''}` : state === 'connecting' ? '○ connecting…' : `✕ disconnected${detail ? `: ${detail}` : ''}`;
  }

  odometry(odom: { x: number; y: number; yaw: number } | undefined): void {
    this.pose.textContent = odom ? `robot pose (odometry): x ${odom.x.toFixed(2)} m, y ${odom.y.toFixed(2)} m, yaw ${odom.yaw.toFixed(0)}°` : '';
  }
}
