import { DOMParser, Document as XmlDocument, Element as XmlElement } from '@xmldom/xmldom';
import URDFLoader, { type URDFRobot } from 'urdf-loader';
import { WandError } from '../core/errors.ts';

// A URDF parsed by urdf-loader (the same loader the page renders with) in Node. The loader is written for a
// browser DOM: it tests `instanceof Document/Element` and asks the <robot> element for
// `querySelector('child[link="…"]')`. xmldom parses the XML; for the length of the synchronous parse the two
// classes are lent to the loader and the one selector it uses is answered.

const SIMPLE_SELECTOR = /^(\w+)\[(\w+)="([^"]*)"\]$/;

function querySelectorShim(this: XmlElement, selector: string): XmlElement | null {
  const match = SIMPLE_SELECTOR.exec(selector);
  if (!match) throw new Error(`unsupported selector ${selector}`);
  const [, tag, attribute, value] = match;
  const found = Array.from(this.getElementsByTagName(tag)).find((e) => e.getAttribute(attribute) === value);
  return found ?? null;
}

/** The <robot> element of a URDF, or a usage error naming what is wrong with the XML. */
export function urdfRobotElement(xml: string): XmlElement {
  if (typeof xml !== 'string' || !xml.trim()) throw new WandError('usage', 'the robot description (URDF) is empty');
  const problems: string[] = [];
  let doc: XmlDocument;
  try {
    doc = new DOMParser({
      onError: (level, message) => {
        if (level !== 'warning') problems.push(String(message).split('\n')[0]);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (err) {
    throw new WandError('usage', `the robot description is not valid XML: ${(err as Error).message.split('\n')[0]}`);
  }
  if (problems.length) throw new WandError('usage', `the robot description is not valid XML: ${problems[0]}`);
  const robot = doc.documentElement;
  if (!robot || robot.nodeName !== 'robot') {
    throw new WandError('usage', `the robot description is not a URDF: its root element is <${robot?.nodeName ?? 'none'}>, not <robot>`);
  }
  return robot;
}

/** Parses a URDF with urdf-loader. `visuals` builds the links' three.js shapes too (for drawing). */
export function parseUrdf(xml: string, { visuals = false } = {}): URDFRobot {
  const robot = urdfRobotElement(xml);
  checkReferences(robot);
  const loader = new URDFLoader();
  loader.parseVisual = visuals;
  // Mesh files are optional: links are drawn from their simple shapes (or not at all) without them.
  loader.loadMeshCb = (_url, _manager, _material, done) => done(null as never);
  const g = globalThis as Record<string, unknown>;
  const lent = g.Document === undefined && g.Element === undefined;
  if (lent) Object.assign(g, { Document: XmlDocument, Element: XmlElement });
  const shimmed = robot as XmlElement & { querySelector?: unknown };
  shimmed.querySelector = querySelectorShim;
  try {
    return loader.parse(robot as unknown as Element);
  } catch (err) {
    throw new WandError('usage', `the robot description could not be read: ${(err as Error).message}`);
  } finally {
    delete shimmed.querySelector;
    if (lent) {
      delete g.Document;
      delete g.Element;
    }
  }
}

/** What the loader would otherwise trip over with a TypeError: joints naming links or joints that do not exist. */
function checkReferences(robot: XmlElement): void {
  const children = Array.from(robot.childNodes).filter((n): n is XmlElement => n.nodeType === 1) as XmlElement[];
  const links = new Set(children.filter((c) => c.nodeName === 'link').map((c) => c.getAttribute('name')));
  const joints = children.filter((c) => c.nodeName === 'joint');
  const jointNames = new Set(joints.map((j) => j.getAttribute('name')));
  const seenChildren = new Map<string, string>();
  for (const joint of joints) {
    const name = joint.getAttribute('name') ?? '(unnamed)';
    const first = (tag: string) => Array.from(joint.childNodes).find((n) => n.nodeName === tag) as XmlElement | undefined;
    for (const end of ['parent', 'child'] as const) {
      const link = first(end)?.getAttribute('link');
      if (!link) throw new WandError('usage', `URDF joint "${name}" has no <${end} link="…"/>`);
      if (!links.has(link)) throw new WandError('usage', `URDF joint "${name}" names ${end} link "${link}", which the URDF does not define`);
    }
    const child = first('child')!.getAttribute('link')!;
    const other = seenChildren.get(child);
    if (other) throw new WandError('usage', `URDF link "${child}" is the child of two joints ("${other}" and "${name}")`);
    seenChildren.set(child, name);
    const mimic = first('mimic');
    if (mimic && !jointNames.has(mimic.getAttribute('joint'))) {
      throw new WandError('usage', `URDF joint "${name}" mimics joint "${mimic.getAttribute('joint')}", which the URDF does not define`);
    }
  }
}
