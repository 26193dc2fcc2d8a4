import ts from 'typescript';
import type { CheckDiagnostic } from './report.ts';
import { shadowingReason } from '../../primitives/reserved.ts';

// Rejects what a program must never reach for, with a reason the model can act on. The sandbox is the
// real boundary; this check makes the model's mistakes cheap and explains them before anything moves.

const FORBIDDEN_NAMES: Record<string, string> = {
  require: 'modules are not available; the API functions are already global',
  eval: 'eval is not allowed; write the code directly',
  Function: 'the Function constructor is not allowed; write the code directly',
  globalThis: 'the global object is not accessible; call the API functions by name',
  global: 'the global object is not accessible; call the API functions by name',
  window: 'there is no browser here; call the API functions by name',
  self: 'the global object is not accessible; call the API functions by name',
  process: 'there is no Node.js process here',
  module: 'modules are not available',
  exports: 'modules are not available',
  WebAssembly: 'WebAssembly is not allowed',
  fetch: 'there is no network access',
  XMLHttpRequest: 'there is no network access',
  WebSocket: 'there is no network access',
  setTimeout: 'there are no timers; use wait(seconds)',
  setInterval: 'there are no timers; use wait(seconds) in a loop',
  setImmediate: 'there are no timers; use wait(seconds)',
  queueMicrotask: 'there are no timers; use wait(seconds)',
};

// A Map, because `__proto__` in an object literal sets the prototype instead of making a key.
const FORBIDDEN_PROPERTIES = new Map([
  ['constructor', 'reaching constructors through objects is not allowed'],
  ['__proto__', 'prototype access is not allowed'],
]);

export const isForbiddenName = (name: string) => Object.hasOwn(FORBIDDEN_NAMES, name);

/** Array methods that call their callback without waiting for the promise an async callback returns. */
const NON_AWAITING_METHODS = new Set(['forEach', 'map', 'filter', 'some', 'every', 'find', 'findIndex', 'reduce', 'flatMap']);

const isAsyncFunction = (node: ts.Node) =>
  (ts.isArrowFunction(node) || ts.isFunctionExpression(node)) && !!ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword);

/** `Promise.all(xs.map(async ...))` does wait for every callback. */
function awaitedByPromiseAll(call: ts.CallExpression): boolean {
  const p = call.parent;
  return ts.isCallExpression(p) && ts.isPropertyAccessExpression(p.expression) && p.expression.getText() === 'Promise.all' && p.arguments[0] === call;
}

/** An identifier that names a value in scope (not a property name or a declaration's own key). */
function isReference(node: ts.Identifier): boolean {
  const p = node.parent;
  if (ts.isPropertyAccessExpression(p) && p.name === node) return false;
  if ((ts.isPropertyAssignment(p) || ts.isMethodDeclaration(p) || ts.isPropertyDeclaration(p)) && p.name === node) return false;
  if ((ts.isGetAccessor(p) || ts.isSetAccessor(p) || ts.isPropertySignature(p) || ts.isMethodSignature(p)) && p.name === node) return false;
  if (ts.isBindingElement(p) && p.propertyName === node) return false;
  if (ts.isQualifiedName(p) && p.right === node) return false;
  if (ts.isLabeledStatement(p) || ts.isBreakOrContinueStatement(p)) return false;
  if (ts.isEnumMember(p) && p.name === node) return false;
  return true;
}

/**
 * The string an expression always evaluates to, when it is built only from literals ('constr' + 'uctor',
 * `${'con'}structor`) and `const` variables initialised so; undefined otherwise.
 */
function constantString(node: ts.Expression, consts: Map<string, ts.Expression>, seen = new Set<string>()): string | undefined {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return node.text;
  if (ts.isParenthesizedExpression(node)) return constantString(node.expression, consts, seen);
  if (ts.isBinaryExpression(node) && node.operatorToken.kind === ts.SyntaxKind.PlusToken) {
    const left = constantString(node.left, consts, seen);
    const right = left === undefined ? undefined : constantString(node.right, consts, seen);
    return right === undefined ? undefined : left! + right;
  }
  if (ts.isTemplateExpression(node)) {
    let text = node.head.text;
    for (const span of node.templateSpans) {
      const part = constantString(span.expression, consts, seen);
      if (part === undefined) return undefined;
      text += part + span.literal.text;
    }
    return text;
  }
  if (ts.isIdentifier(node) && consts.has(node.text) && !seen.has(node.text)) {
    seen.add(node.text);
    return constantString(consts.get(node.text)!, consts, seen);
  }
  return undefined;
}

/** `const name = <expression>` anywhere in the file (shadowing aside: a false alarm is cheap here). */
function constInitializers(sf: ts.SourceFile): Map<string, ts.Expression> {
  const out = new Map<string, ts.Expression>();
  const visit = (node: ts.Node): void => {
    if (ts.isVariableDeclarationList(node) && node.flags & ts.NodeFlags.Const) {
      for (const d of node.declarations) if (ts.isIdentifier(d.name) && d.initializer) out.set(d.name.text, d.initializer);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}

/** The name of a property in a destructuring pattern, when it is written out (`{ constructor: A }`, `{ constructor }`). */
function destructuredName(node: ts.Node): ts.Node | undefined {
  if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) return node.propertyName ?? node.name;
  const assigned = (literal: ts.Node) => {
    const p = literal.parent;
    return (ts.isBinaryExpression(p) && p.left === literal && p.operatorToken.kind === ts.SyntaxKind.EqualsToken) || ts.isForOfStatement(p) || ts.isForInStatement(p);
  };
  if ((ts.isPropertyAssignment(node) || ts.isShorthandPropertyAssignment(node)) && ts.isObjectLiteralExpression(node.parent) && assigned(node.parent)) return node.name;
  return undefined;
}

const nameText = (node: ts.Node | undefined): string | undefined =>
  node && (ts.isIdentifier(node) || ts.isStringLiteralLike(node)) ? node.text : undefined;

/** The name a declaration binds in its scope (functions, classes, variables, destructured variables; not parameters). */
function declaredName(node: ts.Node): ts.Identifier | undefined {
  if ((ts.isFunctionDeclaration(node) || ts.isClassDeclaration(node)) && node.name) return node.name;
  if (ts.isVariableDeclaration(node) && ts.isIdentifier(node.name)) return node.name;
  if (ts.isBindingElement(node) && ts.isIdentifier(node.name)) {
    let p: ts.Node = node.parent;
    while (ts.isObjectBindingPattern(p) || ts.isArrayBindingPattern(p) || ts.isBindingElement(p)) p = p.parent;
    if (ts.isVariableDeclaration(p)) return node.name;
  }
  return undefined;
}

/**
 * What a program or skill must not do. `api`: the primitives' names (with console), which it must not
 * declare (primitives/reserved.ts); built-in globals are refused with them.
 */
export function checkWhitelist(sf: ts.SourceFile, api: ReadonlySet<string> = new Set()): CheckDiagnostic[] {
  const out: CheckDiagnostic[] = [];
  const flag = (node: ts.Node, message: string) =>
    out.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, message, source: 'whitelist' });
  const consts = constInitializers(sf);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isImportEqualsDeclaration(node)) {
      flag(node, 'import is not allowed: modules are not available; the API functions are already global');
      return;
    }
    if (ts.isExportDeclaration(node) || ts.isExportAssignment(node)) {
      flag(node, 'export is not allowed: a program is a script, not a module');
      return;
    }
    if (ts.canHaveModifiers(node) && ts.getModifiers(node)?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) {
      flag(node, 'export is not allowed: a program is a script, not a module');
    }
    if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) {
      flag(node, 'import() is not allowed: modules are not available');
    } else if (ts.isMetaProperty(node) && node.keywordToken === ts.SyntaxKind.ImportKeyword) {
      flag(node, 'import.meta is not available');
    } else if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      NON_AWAITING_METHODS.has(node.expression.name.text) &&
      node.arguments.some(isAsyncFunction) &&
      !awaitedByPromiseAll(node)
    ) {
      flag(
        node.expression.name,
        `.${node.expression.name.text}() does not wait for an async callback: what follows its first await runs after the program has moved on, and its errors are lost; the API functions are synchronous, so use a plain callback or a for...of loop`,
      );
    }
    const declared = declaredName(node);
    const reserved = declared && shadowingReason(declared.text, api);
    if (reserved) flag(declared, reserved);
    if (ts.isWithStatement(node)) {
      flag(node, 'the with statement is not allowed');
    } else if (ts.isIdentifier(node) && isForbiddenName(node.text) && isReference(node)) {
      flag(node, `${node.text} is not allowed: ${FORBIDDEN_NAMES[node.text]}`);
    } else if (ts.isPropertyAccessExpression(node) && FORBIDDEN_PROPERTIES.has(node.name.text)) {
      flag(node.name, `.${node.name.text} is not allowed: ${FORBIDDEN_PROPERTIES.get(node.name.text)}`);
    } else if (ts.isElementAccessExpression(node) && FORBIDDEN_PROPERTIES.has(constantString(node.argumentExpression, consts) ?? '')) {
      const key = constantString(node.argumentExpression, consts)!;
      flag(node, `["${key}"] is not allowed: ${FORBIDDEN_PROPERTIES.get(key)}`);
      return; // the key's literal parts need no second report
    } else if (FORBIDDEN_PROPERTIES.has(nameText(destructuredName(node)) ?? '')) {
      const key = nameText(destructuredName(node))!;
      flag(node, `destructuring ${key} is not allowed: ${FORBIDDEN_PROPERTIES.get(key)}`);
    } else if (ts.isExpression(node) && !ts.isIdentifier(node) && FORBIDDEN_PROPERTIES.has(constantString(node, consts) ?? '')) {
      // The name as a string anywhere else: Reflect.get(o, 'constructor'), a key built for later use.
      const key = constantString(node, consts)!;
      flag(node, `the string "${key}" is not allowed: ${FORBIDDEN_PROPERTIES.get(key)}`);
      return;
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return out;
}
