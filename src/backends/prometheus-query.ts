/**
 * PromQL construction for the Prometheus backend. slo-generator edits queries as text; slokit reads them with
 * Prometheus' own grammar (`@prometheus-io/lezer-promql`) and edits the syntax tree's text spans, so that:
 * - `[window` becomes `[<seconds>s` everywhere outside string literals (`[window]`, subqueries `[window:1m]`),
 *   as in slo-generator; a placeholder inside a label value is left alone;
 * - without a placeholder, `[<seconds>s]` is appended only when the whole expression is one vector selector
 *   (slo-generator's result for that case); for any other expression slo-generator's append produces a
 *   syntax or type error at Prometheus, so slokit refuses it up front and says where `[window]` goes;
 * - operators wrap the expression in list order, first = innermost (default `increase` then `sum`), as text;
 * - `le` goes into every vector selector of a `_bucket` metric (name written plainly, as `{__name__="x_bucket"}`
 *   or as a quoted name), and only there: regexp matchers with braces (`code=~"2[0-9]{2}"`), `{}` and bare
 *   metric names are handled, and slo-generator's text (`, le="0.25"}`) is kept where it got it right;
 * - the valid-events query renames those `_bucket` metrics to `_count`, leaving label values untouched.
 * Every user expression is checked for syntax errors; an error names the SLO field, line and column.
 */
import type { SyntaxNode, Tree } from '@lezer/common';
import { parser } from '@prometheus-io/lezer-promql';

/** Default operators of good_bad_ratio and distribution_cut. */
export const DEFAULT_OPERATORS = ['increase', 'sum'] as const;

/** A PromQL expression in an SLO that slokit cannot use; the message names the SLO field. */
export class PromQLError extends Error {
  override name = 'PromQLError';
}

/**
 * The `le` label text for a threshold, as slo-generator's `str()` gives it. Integers print as such
 * (1 → "1"); floats written in an SLO file reach here as the text Python prints ("1.0"), see config/load.ts.
 */
export function thresholdLabel(threshold: number | string): string {
  return String(threshold);
}

/** A user's PromQL field checked once and built for any window: `(window seconds) → PromQL`. */
export type QueryTemplate = (window: number) => string;

/**
 * `[86400s` is exactly as long as `[window`: positions in a text parsed with it stand for positions in the
 * user's text, so syntax errors quote what the user wrote. Whether a text parses does not depend on the
 * number of seconds, which is why one parse serves every window.
 */
const CHECK_WINDOW = 86_400;

/**
 * Compiles the PromQL of one query from an SLO field: window placeholder, then operators (innermost first).
 * The text is parsed once here (the expensive part); the template only substitutes the window. `field` names
 * the field in errors (e.g. `service_level_indicator.filter_good`). Throws PromQLError on a syntax error; a
 * template without `[window]` placeholder throws when built unless the expression is a single selector.
 */
export function compileQuery(
  query: string,
  operators: readonly string[] = [],
  field = 'service_level_indicator.expression',
): QueryTemplate {
  const build = compileRangeQuery(query, operators, field);
  return (window) => build(`${window}s`);
}

/**
 * `compileQuery` for a range written as a Prometheus duration (`5m`, `30d`), as rule files show it:
 * `(range) → PromQL`. Same checks and errors.
 */
export function compileRangeQuery(
  query: string,
  operators: readonly string[] = [],
  field = 'service_level_indicator.expression',
): (range: string) => string {
  const trimmed = query.trim();
  const checked = replaceWindow(trimmed, `${CHECK_WINDOW}s`);
  const placeholder = checked !== trimmed;
  const tree = checkSyntax(checked, field, field, trimmed);
  const single = tree.topNode.firstChild?.name === 'VectorSelector';
  const wrap = (promql: string) => operators.reduce((inner, operator) => `${operator}(${inner})`, promql);
  if (operators.length > 0 && parse(wrap('x')).errorAt >= 0) {
    // Operators are function names wrapped around the expression, so whether they parse does not depend on
    // it: the one-letter check above is shared by every SLO, the message quotes the user's whole query.
    const appended = placeholder ? checked : `${checked}[${CHECK_WINDOW}s]`;
    checkSyntax(
      wrap(appended),
      field.replace(/[^.]+$/, 'operators'),
      `operators ${JSON.stringify(operators)}`,
    );
  }
  if (placeholder) return (range) => wrap(replaceWindow(trimmed, range));
  return (range) => {
    if (!single) {
      throw new PromQLError(
        `${field} has no [window] placeholder and is not a single selector: write [window] where the range goes (e.g. rate(x[window])), it becomes [${range}]`,
      );
    }
    return wrap(`${trimmed}[${range}]`);
  };
}

/** Replaces `[window` by `[<range>` outside string literals. */
function replaceWindow(text: string, range: string): string {
  let out = '';
  let quote = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      out += c;
      if (c === '\\' && quote !== '`') out += text[++i] ?? '';
      else if (c === quote) quote = '';
    } else if (c === '"' || c === "'" || c === '`') {
      quote = c;
      out += c;
    } else if (c === '[' && text.startsWith('[window', i)) {
      out += `[${range}`;
      i += '[window'.length - 1;
    } else {
      out += c;
    }
  }
  return out;
}

/**
 * Parses PromQL; throws PromQLError naming `what` (default `field`), line and column at the first syntax
 * error, quoting `shown` (default the parsed text; same length, so positions hold).
 */
function checkSyntax(promql: string, field: string, what = field, shown = promql): Tree {
  const { tree, errorAt: at } = parse(promql);
  if (promql.trim() === '') throw new PromQLError(`${field} is empty: expected a PromQL expression`);
  if (at < 0) return tree;
  const before = promql.slice(0, at);
  const line = before.split('\n').length;
  const column = at - before.lastIndexOf('\n');
  const near = shown.slice(at, at + 20).split('\n')[0];
  throw new PromQLError(
    `PromQL syntax error in ${what} at line ${line}, column ${column} (${near ? `near "${near}"` : 'at the end'}): ${shown}`,
  );
}

/** Parses by `parseKey`: validation, every SLO and every window with the same query shape share one. */
const parses = new Map<string, { tree: Tree; errorAt: number }>();
/** Bound of `parses`: SLO files hold a few thousand distinct queries; past this the cache starts over. */
const PARSE_CACHE_LIMIT = 10_000;

/**
 * The text whose parse is `promql`'s: every character inside string literals that the tokenizer does not look
 * at (all but `\\`, newline and quotes) becomes `x`. In lezer-promql's grammar a string's content never changes
 * its tokens (`'"' (![\\\n"] | "\\" _)* '"'?`, likewise for `'`; `` "`" ![`]* "`" `` raw), so both texts give the
 * same tree, node for node and offset for offset, and callers read names and values from their own text.
 * SLOs that differ only in label values (`service="a"`, `service="b"`) then share one parse: parsing is
 * most of the CPU of checking and building queries. Comments (`#` to the end of the line) are skipped as the
 * tokenizer skips them; test/backends/prometheus-query-parse-key.test.ts checks the trees are identical.
 */
export function parseKey(promql: string): string {
  const out: string[] = [];
  let copied = 0; // promql[0, copied) is in `out`
  let i = 0;
  while (i < promql.length) {
    const c = promql[i]!;
    if (c === '#') {
      const end = promql.indexOf('\n', i);
      i = end < 0 ? promql.length : end;
    } else if (c === '`' && promql.indexOf('`', i + 1) < 0) {
      i++; // a raw string needs its closing backtick: without one this is a stray character
    } else if (c === '"' || c === "'" || c === '`') {
      out.push(promql.slice(copied, i + 1));
      let j = i + 1;
      for (; j < promql.length && promql[j] !== c; j++) {
        if (c !== '`' && promql[j] === '\n') break; // unterminated: the string ends with its line
        if (c !== '`' && promql[j] === '\\') {
          out.push('\\');
          if (++j === promql.length) break; // a backslash ending the text escapes nothing
          // the character after it, whatever it is (a newline too), is content
        }
        out.push('x');
      }
      copied = j; // the closing quote or the newline, copied as they are
      i = j + (j < promql.length && promql[j] === c ? 1 : 0);
    } else i++;
  }
  out.push(promql.slice(copied));
  return out.join('');
}

/** The syntax tree of `promql` and the offset of its first syntax error (-1: none). Pure, memoised. */
function parse(promql: string): { tree: Tree; errorAt: number } {
  const key = parseKey(promql);
  let parsed = parses.get(key);
  if (parsed) return parsed;
  const tree = parser.parse(key);
  let errorAt = -1;
  tree.iterate({
    enter(node) {
      if (errorAt >= 0) return false;
      if (node.type.isError) errorAt = node.from;
      return undefined;
    },
  });
  parsed = { tree, errorAt };
  if (parses.size >= PARSE_CACHE_LIMIT) parses.clear();
  parses.set(key, parsed);
  return parsed;
}

/** A vector selector of a `_bucket` metric and where its name is written. */
interface BucketSelector {
  node: SyntaxNode;
  /** Span of the metric name text to rename (inside quotes for `__name__="..."`). */
  name: { from: number; to: number };
}

/**
 * Every vector selector of a metric whose name contains `_bucket`: `x_bucket`, and recording rules such as
 * `job:x_bucket:rate5m` (slo-generator replaces `_bucket` anywhere in the text).
 */
function bucketSelectors(tree: Tree, promql: string): BucketSelector[] {
  const found: BucketSelector[] = [];
  tree.iterate({
    enter(ref) {
      if (ref.name !== 'VectorSelector') return undefined;
      const node = ref.node;
      const name = metricName(node, promql);
      if (name && promql.slice(name.from, name.to).includes('_bucket')) found.push({ node, name });
      return false;
    },
  });
  return found;
}

/** Span of a selector's metric name: the identifier, a `__name__="..."` value or a quoted name. */
function metricName(selector: SyntaxNode, promql: string): { from: number; to: number } | undefined {
  const identifier = selector.getChild('Identifier');
  if (identifier) return { from: identifier.from, to: identifier.to };
  const matchers = selector.getChild('LabelMatchers');
  for (let m = matchers?.firstChild; m; m = m.nextSibling) {
    if (m.name === 'QuotedLabelName') {
      const literal = m.getChild('StringLiteral');
      if (literal) return { from: literal.from + 1, to: literal.to - 1 };
    }
    if (m.name === 'UnquotedLabelMatcher') {
      const label = m.getChild('LabelName');
      const op = m.getChild('MatchOp');
      const literal = m.getChild('StringLiteral');
      if (label && op && literal && promql.slice(label.from, label.to) === '__name__') {
        if (promql.slice(op.from, op.to) === '=') return { from: literal.from + 1, to: literal.to - 1 };
      }
    }
  }
  return undefined;
}

/** Label names matched in a selector. */
function matchedLabels(selector: SyntaxNode, promql: string): string[] {
  const names: string[] = [];
  const matchers = selector.getChild('LabelMatchers');
  for (let m = matchers?.firstChild; m; m = m.nextSibling) {
    const label = m.getChild('LabelName');
    if (label) names.push(promql.slice(label.from, label.to));
  }
  return names;
}

function bucketSelectorsOf(promql: string, field: string): BucketSelector[] {
  const tree = checkSyntax(promql, field);
  const selectors = bucketSelectors(tree, promql);
  if (selectors.length === 0) {
    throw new PromQLError(
      `${field} selects no histogram bucket series: distribution_cut needs a selector of a metric whose name contains _bucket (e.g. http_request_duration_seconds_bucket{job="api"})`,
    );
  }
  return selectors;
}

/** Applies text edits (non-overlapping spans) from the end, so earlier offsets stay valid. */
function applyEdits(text: string, edits: { from: number; to: number; insert: string }[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.from - a.from)) {
    out = out.slice(0, e.from) + e.insert + out.slice(e.to);
  }
  return out;
}

/**
 * Adds `le="<le>"` to every `_bucket` vector selector of a built query. Throws PromQLError (naming `field`)
 * when there is none, or when one already matches `le`.
 */
export function withBucketLabel(
  promql: string,
  le: string,
  field = 'service_level_indicator.expression',
): string {
  const matcher = `le=${JSON.stringify(le)}`;
  const edits = bucketSelectorsOf(promql, field).map(({ node }) => {
    if (matchedLabels(node, promql).includes('le')) {
      throw new PromQLError(
        `${field} already matches the le label; distribution_cut sets le from threshold_bucket, remove it from the selector`,
      );
    }
    const braces = node.getChild('LabelMatchers');
    if (!braces) return { from: node.to, to: node.to, insert: `{${matcher}}` };
    const close = braces.to - 1;
    const inside = promql.slice(braces.from + 1, close).trimEnd();
    if (inside === '') return { from: braces.from + 1, to: close, insert: matcher };
    // slo-generator's text: `, le="0.25"}` right before the brace (a trailing comma is reused).
    if (inside.endsWith(','))
      return { from: braces.from + 1 + inside.length, to: close, insert: ` ${matcher}` };
    return { from: close, to: close, insert: `, ${matcher}` };
  });
  return applyEdits(promql, edits);
}

/** Renames every `_bucket` metric of the selectors of a built query to `_count` (label values untouched). */
export function bucketToCount(promql: string, field = 'service_level_indicator.expression'): string {
  const edits = bucketSelectorsOf(promql, field).map(({ name }) => ({
    ...name,
    insert: promql.slice(name.from, name.to).replaceAll('_bucket', '_count'),
  }));
  return applyEdits(promql, edits);
}

/**
 * A query listing the `le` values the `_bucket` selectors of `promql` have over the window ending at the
 * query time: `count by (le) (last_over_time(<selector>[<window>s]) or ...)`.
 */
export function bucketLeValuesQuery(
  promql: string,
  window: number,
  field = 'service_level_indicator.expression',
): string {
  const selectors = bucketSelectorsOf(promql, field).map(
    ({ node }) => `last_over_time(${promql.slice(node.from, node.to)}[${window}s])`,
  );
  return `count by (le) (${selectors.join(' or ')})`;
}

/**
 * The syntax error of an SLO's PromQL field as `slokit validate` reports it (with `[window]` standing for a
 * one-day range), or undefined when it parses.
 */
export function promqlSyntaxError(text: string): string | undefined {
  const trimmed = text.trim();
  const substituted = replaceWindow(trimmed, `${CHECK_WINDOW}s`);
  try {
    checkSyntax(substituted, 'the expression', 'the expression', trimmed);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}
