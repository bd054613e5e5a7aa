/**
 * Go `text/template` (Go 1.19) with the sprig functions Iter8 provider files use, so provider templates render
 * here exactly as Iter8 rendered them (`text/template` + `sprig.TxtFuncMap()`, default `missingkey`). Pure: no
 * I/O. Parse once with {@link parseTemplate}, execute many times.
 *
 * Supported: text and actions, `{{-`/`-}}` trimming, comments, pipelines, variables (`$x := …`, `$x = …`,
 * `$`), `if`/`else if`/`else`, `range` (slices; maps in sorted key order; `$i, $v :=`; `else`; `break`,
 * `continue`), `with`/`else`, `define`/`template`/`block`, field chains (`.a.b`, `$x.a`, `(pipe).a`), number
 * (int, float, hex, octal, binary, char), string (interpreted and raw), bool and `nil` constants; builtins
 * `and`/`or` (short-circuit), `not`, `eq`/`ne`/`lt`/`le`/`gt`/`ge` (Go's basic-kind rules and errors), `len`,
 * `index`, `slice`, `print`, `printf` (verbs v d s q f F e E g G x X o b t c T, flags, width, precision),
 * `println`, `html`, `js`, `urlquery`; sprig `default`, `empty`, `coalesce`, `ternary`, `kindOf`, `fail`,
 * `b64enc`, `b64dec`, `quote`, `squote`, `trim`, `upper`, `lower`, `replace`, `join`, `toJson`, `list`,
 * `dict`, `hasKey`, `add`, `sub`, `mul`, `div`, `now`, `date`, and Iter8's `toYaml` (src/lang/go-yaml.ts). A
 * missing map key prints `<no value>` and is false in `if`.
 *
 * Data: JSON-like values. A JS `number` is a Go float64 (Iter8 decodes values from JSON/YAML into
 * `interface{}` through JSON, so every number is float64), a `bigint` is a Go `int` (what integer constants
 * and `len` give), a {@link GoInt64} is a Go `int64` (use it for `elapsedTimeSeconds`, an int64 in Iter8),
 * `null` is nil, arrays are `[]interface{}`, objects are `map[string]interface{}` (own properties only).
 *
 * Known differences from Go: the other sprig functions are not provided (calling them is a parse error); methods and fields of `time.Time`
 * are not available and `{{ now }}` prints without Go's monotonic clock suffix (`m=+…`); `date` formats in UTC (Go uses the local zone); sprig's `slice` limits indexes to the
 * length (Go allows up to the capacity of the underlying array); strings are Unicode (a `b64dec` result that is not
 * UTF-8 is replaced by U+FFFD where Go keeps raw bytes); `template` calls nest at most 1000 deep (Go: 100000;
 * both stop with an execution error); parentheses and `if`/`with`/`range`/`block` nest at most
 * MAX_NESTING_DEPTH (500) deep, a parse error (Go 1.19: no limit); complex constants (`1i`) are not supported. Verified against real Go by
 * test/lang/go-template.differential.test.ts.
 */
import { compareGoStrings, formatV, type GoValue, isMap, typeName } from './go-template-fmt.js';
import { FUNCS, FuncError, type ParamKind, truth } from './go-template-funcs.js';
import {
  type ControlNode,
  GoTemplateError,
  type Node,
  type Operand,
  type Pipe,
  type Pos,
  parseTree,
  type TreeSet,
} from './go-template-parse.js';

export { GoInt64, GoTime, type GoValue } from './go-template-fmt.js';
export { GoTemplateError } from './go-template-parse.js';

/** A parsed template: `execute` renders it with `data` as dot. Throws GoTemplateError (kind `exec`). */
export interface GoTemplate {
  readonly name: string;
  execute(data: GoValue): string;
}

const FUNC_NAMES: ReadonlySet<string> = new Set(FUNCS.keys());

/**
 * Parses `text` as a Go template named `name` (the name appears in errors, as Go's `template.New(name)`).
 * Throws GoTemplateError of kind `parse` with the line of the offending token.
 */
export function parseTemplate(text: string, name: string): GoTemplate {
  const trees = parseTree(text, name, { functions: FUNC_NAMES });
  return { name, execute: (data) => execute(trees, name, data) };
}

/** Nested `template` calls allowed (Go allows 100000; the JS stack does not). */
const MAX_TEMPLATE_DEPTH = 1000;

const MISSING = Symbol('missing');
type Final = GoValue | typeof MISSING;

class BreakSignal {}
class ContinueSignal {}

interface Variable {
  name: string;
  value: GoValue;
}

function execute(trees: TreeSet, name: string, data: GoValue): string {
  const out: string[] = [];
  let current = name;
  let at: Pos = { line: 1, col: 0, column: 1 };
  let depth = 0;
  const fail = (detail: string): never => {
    throw new GoTemplateError('exec', name, at.line, at.col, `executing "${current}": ${detail}`, at.column);
  };
  const root = trees.get(name);
  if (root === undefined) fail('incomplete or empty template');
  const root$ = data === null ? undefined : data;
  try {
    walkList(root!, root$, [{ name: '$', value: root$ }]);
  } catch (error) {
    // Templates nested in many actions can exhaust the JS stack before MAX_TEMPLATE_DEPTH.
    if (error instanceof RangeError && /call stack/i.test(error.message))
      fail('exceeded maximum template depth');
    throw error;
  }
  return out.join('');

  function walkList(list: Node[], dot: GoValue, vars: Variable[]) {
    for (const node of list) walk(node, dot, vars);
  }

  function walk(node: Node, dot: GoValue, vars: Variable[]) {
    switch (node.type) {
      case 'text':
        out.push(node.text);
        return;
      case 'action': {
        at = node.pos;
        const value = evalPipeline(dot, node.pipe, vars);
        if (node.pipe.decl.length === 0)
          out.push(value === undefined || value === null ? '<no value>' : formatV(value));
        return;
      }
      case 'if':
      case 'with': {
        at = node.pos;
        const mark = vars.length;
        const value = evalPipeline(dot, node.pipe, vars);
        if (truth(value)) walkList(node.list, node.type === 'with' ? value : dot, vars);
        else if (node.elseList) walkList(node.elseList, dot, vars);
        vars.length = mark;
        return;
      }
      case 'range':
        walkRange(node, dot, vars);
        return;
      case 'template': {
        at = node.pos;
        const tree = trees.get(node.name);
        if (tree === undefined) fail(`template "${node.name}" not defined`);
        if (depth === MAX_TEMPLATE_DEPTH) fail(`exceeded maximum template depth (${MAX_TEMPLATE_DEPTH})`);
        const value = node.pipe ? evalPipeline(dot, node.pipe, vars) : undefined;
        const saved = current;
        current = node.name;
        depth++;
        walkList(tree!, value, [{ name: '$', value }]);
        depth--;
        current = saved;
        return;
      }
      case 'break':
        throw new BreakSignal();
      case 'continue':
        throw new ContinueSignal();
    }
  }

  function walkRange(node: ControlNode, dot: GoValue, vars: Variable[]) {
    at = node.pos;
    const mark = vars.length;
    const value = evalPipeline(dot, { ...node.pipe, decl: [] }, vars);
    const decl = node.pipe.decl;
    const each = (key: GoValue, elem: GoValue): boolean => {
      const iterMark = vars.length;
      if (decl.length > 0) {
        if (node.pipe.isAssign) {
          setVar(vars, decl[decl.length === 1 ? 0 : 1]!, elem);
          if (decl.length === 2) setVar(vars, decl[0]!, key);
        } else {
          if (decl.length === 1) vars.push({ name: decl[0]!, value: elem });
          else vars.push({ name: decl[0]!, value: key }, { name: decl[1]!, value: elem });
        }
      }
      try {
        walkList(node.list, elem, vars);
      } catch (signal) {
        if (signal instanceof BreakSignal) return false;
        if (!(signal instanceof ContinueSignal)) throw signal;
      } finally {
        vars.length = iterMark;
      }
      return true;
    };
    let ran = false;
    if (Array.isArray(value)) {
      ran = value.length > 0;
      for (let k = 0; k < value.length; k++) if (!each(BigInt(k), value[k] ?? null)) break;
    } else if (isMap(value)) {
      const keys = Object.keys(value).sort(compareGoStrings);
      ran = keys.length > 0;
      for (const k of keys) if (!each(k, value[k] ?? null)) break;
    } else if (value !== undefined && value !== null) {
      at = node.pipe.pos;
      fail(`range can't iterate over a value of type ${typeName(value)}`); // the value itself may be a secret
    }
    if (!ran && node.elseList) walkList(node.elseList, dot, vars);
    vars.length = mark;
  }

  function setVar(vars: Variable[], varName: string, value: GoValue) {
    for (let k = vars.length - 1; k >= 0; k--) {
      if (vars[k]!.name === varName) {
        vars[k]!.value = value;
        return;
      }
    }
    fail(`undefined variable: ${varName}`);
  }

  function getVar(vars: Variable[], varName: string): GoValue {
    for (let k = vars.length - 1; k >= 0; k--) if (vars[k]!.name === varName) return vars[k]!.value;
    return fail(`undefined variable: ${varName}`);
  }

  function evalPipeline(dot: GoValue, pipe: Pipe, vars: Variable[]): GoValue {
    let value: Final = MISSING;
    for (const cmd of pipe.cmds) value = evalCommand(dot, cmd.args, value, vars);
    // Go re-wraps an interface result as its concrete value: a nil interface becomes "no value".
    let result = value === MISSING ? undefined : value;
    if (result === null) result = undefined;
    if (pipe.decl.length > 0) {
      if (pipe.isAssign) setVar(vars, pipe.decl[0]!, result);
      else vars.push({ name: pipe.decl[0]!, value: result });
    }
    return result;
  }

  function evalCommand(dot: GoValue, args: Operand[], final: Final, vars: Variable[]): GoValue {
    const first = args[0]!;
    at = first.pos;
    switch (first.type) {
      case 'field':
        return evalFieldChain(dot, first.idents, args, final);
      case 'chain': {
        const receiver = evalArgValue(dot, first.node, vars);
        return evalFieldChain(receiver, first.idents, args, final);
      }
      case 'variable': {
        const value = getVar(vars, first.name);
        if (first.idents.length === 0) {
          notAFunction(args, final);
          return value;
        }
        return evalFieldChain(value, first.idents, args, final);
      }
      case 'function':
        return evalCall(dot, first.name, args, final, vars);
      case 'pipe':
        notAFunction(args, final);
        return evalPipeline(dot, first.pipe, vars);
    }
    notAFunction(args, final);
    switch (first.type) {
      case 'bool':
        return first.value;
      case 'dot':
        return dot;
      case 'nil':
        return fail('nil is not a command');
      case 'number':
        return idealConstant(first);
      case 'string':
        return first.value;
    }
    return fail(`can't evaluate command`);
  }

  function notAFunction(args: Operand[], final: Final) {
    if (args.length > 1 || final !== MISSING)
      fail(`can't give argument to non-function ${describe(args[0]!)}`);
  }

  function describe(op: Operand): string {
    return op.type === 'string' ? op.text : op.type;
  }

  function idealConstant(n: Extract<Operand, { type: 'number' }>): GoValue {
    const isFloat =
      !n.isChar &&
      !/^[+-]?0[xX]/.test(n.text.replace(/[pP].*$/, '')) &&
      /[.eEpP]/.test(n.text) &&
      n.float !== undefined;
    if (isFloat || (/^[+-]?0[xX].*[pP]/.test(n.text) && n.float !== undefined)) return n.float!;
    if (n.int !== undefined) return n.int;
    return fail(`${n.text} overflows int`);
  }

  /** Looks up `.a.b.c` from `receiver`; only the last field sees the command's arguments. */
  function evalFieldChain(receiver: GoValue, idents: string[], args: Operand[], final: Final): GoValue {
    let value = receiver;
    for (let k = 0; k < idents.length; k++) {
      const last = k === idents.length - 1;
      value = evalField(idents[k]!, value, last && (args.length > 1 || final !== MISSING));
    }
    return value;
  }

  function evalField(fieldName: string, receiver: GoValue, hasArgs: boolean): GoValue {
    if (receiver === undefined) return undefined;
    if (receiver === null) return fail(`nil pointer evaluating interface {}.${fieldName}`);
    if (isMap(receiver)) {
      if (hasArgs) fail(`${fieldName} is not a method but has arguments`);
      return Object.hasOwn(receiver, fieldName) ? (receiver[fieldName] ?? null) : undefined;
    }
    return fail(`can't evaluate field ${fieldName} in type ${typeName(receiver)}`);
  }

  function evalCall(dot: GoValue, fnName: string, args: Operand[], final: Final, vars: Variable[]): GoValue {
    const fn = FUNCS.get(fnName)!;
    const operands = args.slice(1);
    const count = operands.length + (final === MISSING ? 0 : 1);
    if (fn.variadic === undefined ? count !== fn.params.length : count < fn.params.length) {
      fail(
        `wrong number of args for ${fnName}: want ${fn.variadic === undefined ? '' : 'at least '}${fn.params.length} got ${count}`,
      );
    }
    if (fnName === 'and' || fnName === 'or') {
      let v: GoValue;
      for (const op of operands) {
        v = evalArg(dot, 'value', op, vars);
        if (truth(v) === (fnName === 'or')) return v;
      }
      if (final !== MISSING) v = final;
      return v;
    }
    const kindAt = (k: number): ParamKind => fn.params[k] ?? fn.variadic!;
    const values = operands.map((op, k) => evalArg(dot, kindAt(k), op, vars));
    if (final !== MISSING) values.push(validateType(final, kindAt(operands.length)));
    try {
      return fn.call(values);
    } catch (error) {
      at = args[0]!.pos;
      if (error instanceof FuncError) return fail(`error calling ${fnName}: ${error.message}`);
      throw error;
    }
  }

  function evalArgValue(dot: GoValue, op: Operand, vars: Variable[]): GoValue {
    switch (op.type) {
      case 'dot':
        return dot;
      case 'field':
        return evalFieldChain(dot, op.idents, [op], MISSING);
      case 'variable': {
        const value = getVar(vars, op.name);
        return op.idents.length === 0 ? value : evalFieldChain(value, op.idents, [op], MISSING);
      }
      case 'pipe':
        return evalPipeline(dot, op.pipe, vars);
      case 'function':
        return evalCall(dot, op.name, [op], MISSING, vars);
      case 'chain':
        return evalFieldChain(evalArgValue(dot, op.node, vars), op.idents, [op], MISSING);
      case 'nil':
        return null;
      case 'bool':
        return op.value;
      case 'string':
        return op.value;
      case 'number':
        return idealConstant(op);
    }
  }

  function evalArg(dot: GoValue, kind: ParamKind, op: Operand, vars: Variable[]): GoValue {
    at = op.pos;
    switch (op.type) {
      case 'nil':
        if (kind === 'string' || kind === 'bool') fail(`cannot assign nil to ${kind}`);
        return kind === 'value' ? undefined : null;
      case 'bool':
        if (kind === 'string') fail(`expected string; found ${op.value}`);
        if (kind === 'map') fail(`can't handle ${op.value} for arg of type map[string]interface {}`);
        return op.value;
      case 'string':
        if (kind === 'bool') fail(`expected bool; found ${op.text}`);
        if (kind === 'map') fail(`can't handle ${op.text} for arg of type map[string]interface {}`);
        return op.value;
      case 'number':
        if (kind === 'string') fail(`expected string; found ${op.text}`);
        if (kind === 'bool') fail(`expected bool; found ${op.text}`);
        if (kind === 'map') fail(`can't handle ${op.text} for arg of type map[string]interface {}`);
        return idealConstant(op);
    }
    return validateType(evalArgValue(dot, op, vars), kind);
  }

  function validateType(value: GoValue, kind: ParamKind): GoValue {
    if (value === undefined) {
      if (kind === 'string' || kind === 'bool') fail(`invalid value; expected ${kind}`);
      return kind === 'value' ? undefined : null;
    }
    if (kind === 'string' && typeof value !== 'string')
      fail(`wrong type for value; expected string; got ${typeName(value)}`);
    if (kind === 'bool' && typeof value !== 'boolean')
      fail(`wrong type for value; expected bool; got ${typeName(value)}`);
    if (kind === 'map' && !isMap(value))
      fail(`wrong type for value; expected map[string]interface {}; got ${typeName(value)}`);
    return value;
  }
}
