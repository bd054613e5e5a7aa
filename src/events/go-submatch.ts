/**
 * Go `regexp` submatches and template expansion, for the places where slo-exporter configs use capture groups:
 * relabel `replacement` templates (`$1`, `${1}`, `${name}`) and the tailer's named groups (`(?P<name>…)`).
 * Matching is RE2 (linear time) through re2js, as in src/lang/re2.ts, whose syntax errors it reuses.
 */
import { RE2JS } from 're2js';
import { compileGoRegexp, type GoRegexp, GoRegexpSyntaxError } from '../lang/re2.js';

/** Matches kept per pattern: event values repeat (status codes, paths), so most are memo hits. */
const MEMO_SIZE = 4096;
/** Longer texts are not memoised: they rarely repeat and would pin memory. */
const MEMO_MAX_LENGTH = 256;
/** The memo's mark for "no match". */
const NO_MATCH: Submatches = [];

/** Groups of one match: index 0 is the whole match; a group that did not take part is undefined. */
export type Submatches = readonly (string | undefined)[];

/**
 * A `Regexp.Expand` template compiled once (`GoSubmatchRegexp.compileTemplate`): literal text and group
 * numbers, in order; a reference to a group the pattern does not have is left out (it expands to "").
 */
export type ExpandTemplate = readonly (string | number)[];

/** A compiled Go regexp that returns its capture groups. */
export class GoSubmatchRegexp {
  /** Group names in group order (`''` for an unnamed group); index 0 is the whole match. */
  readonly groupNames: readonly string[];
  private readonly compiled: RE2JS;
  /** The same pattern for `test`, with src/lang/re2.ts's memo. */
  private readonly tester: GoRegexp;
  private readonly indexByName: ReadonlyMap<string, number>;
  /** Undefined when the texts matched rarely repeat (log lines): a memo would only cost. */
  private memo: Map<string, Submatches> | undefined;

  /**
   * Compiles `pattern` (Go/RE2 syntax). With `anchored`, it must match the whole text, as Prometheus'
   * relabel regexps do (`^(?:pattern)$`). `memo: false` for texts that rarely repeat (whole log lines).
   * Throws `GoRegexpSyntaxError` (Go's message) on invalid syntax.
   */
  constructor(
    readonly source: string,
    anchored = false,
    { memo = true }: { memo?: boolean } = {},
  ) {
    this.memo = memo ? new Map() : undefined;
    const pattern = anchored ? `^(?:${source})$` : source;
    try {
      this.compiled = RE2JS.compile(pattern);
    } catch (error) {
      throw new GoRegexpSyntaxError((error as Error).message);
    }
    this.tester = compileGoRegexp(pattern);
    const names: string[] = Array.from({ length: this.compiled.groupCount() + 1 }, () => '');
    const byName = new Map<string, number>();
    for (const [name, index] of Object.entries(this.compiled.namedGroups())) {
      names[index] = name;
      byName.set(name, index);
    }
    this.groupNames = names;
    this.indexByName = byName;
  }

  /** True when the pattern matches (any part of, unless anchored) `text`. */
  test(text: string): boolean {
    return this.tester.test(text);
  }

  /**
   * The leftmost match's groups (Go's `FindStringSubmatch`), or undefined when there is no match. The array
   * may be shared between calls with the same text: do not change it.
   */
  exec(text: string): Submatches | undefined {
    if (this.memo === undefined || text.length > MEMO_MAX_LENGTH) return this.match(text);
    let groups = this.memo.get(text);
    if (groups === undefined) {
      groups = this.match(text) ?? NO_MATCH;
      if (this.memo.size >= MEMO_SIZE) this.memo = new Map();
      this.memo.set(text, groups);
    }
    return groups === NO_MATCH ? undefined : groups;
  }

  /**
   * One match with every group: re2js' Go-style `findSubmatch` (Go's `FindStringSubmatch`) runs the engine
   * once; its `Matcher` finds the match and then runs again for the groups.
   */
  private match(text: string): Submatches | undefined {
    const groups: (string | null | undefined)[] | null = this.compiled.re2().findSubmatch(text);
    if (groups === null) return undefined;
    for (let i = 0; i < groups.length; i++) if (groups[i] === null) groups[i] = undefined;
    return groups as Submatches;
  }

  /**
   * Go's `Regexp.Expand`: `$name` / `${name}` take the longest run of letters, digits and `_` as the name;
   * a name of digits (no leading zero) is a group number, else a group name; an unknown or unmatched group
   * is ""; `$$` is a literal `$`; a malformed reference (`$` then no name, `${x` unclosed) keeps the `$`.
   * So `$1x` is the (missing) group named "1x" and expands to "", as in Go; write `${1}x`.
   */
  expand(template: string, groups: Submatches): string {
    return expandTemplate(this.compileTemplate(template), groups);
  }

  /** `template` read once for `expandTemplate` (the rules of `expand`), for templates applied to many matches. */
  compileTemplate(template: string): ExpandTemplate {
    const parts: (string | number)[] = [];
    let literal = '';
    let rest = template;
    for (;;) {
      const dollar = rest.indexOf('$');
      if (dollar === -1) break;
      literal += rest.slice(0, dollar);
      rest = rest.slice(dollar + 1);
      if (rest.startsWith('$')) {
        literal += '$';
        rest = rest.slice(1);
        continue;
      }
      const reference = REFERENCE.exec(rest);
      if (!reference) {
        literal += '$';
        continue;
      }
      const name = (reference[1] ?? reference[2])!;
      rest = rest.slice(reference[0].length);
      const index = GROUP_NUMBER.test(name) ? Number(name) : this.indexByName.get(name);
      if (index === undefined || index >= this.groupNames.length) continue;
      if (literal !== '') parts.push(literal);
      literal = '';
      parts.push(index);
    }
    literal += rest;
    if (literal !== '' || parts.length === 0) parts.push(literal);
    return parts;
  }
}

/** The text `template` expands to whatever the groups, when it has no group reference. */
export function constantTemplate(template: ExpandTemplate): string | undefined {
  return template.length === 1 && typeof template[0] === 'string' ? template[0] : undefined;
}

/** `template` (from `compileTemplate` of the regexp that matched) expanded with the groups of one match. */
export function expandTemplate(template: ExpandTemplate, groups: Submatches): string {
  const constant = constantTemplate(template);
  if (constant !== undefined) return constant;
  let out = '';
  for (let i = 0; i < template.length; i++) {
    const part = template[i]!;
    out += typeof part === 'string' ? part : (groups[part] ?? '');
  }
  return out;
}

/** `{name}` or `name` at the start of a template's rest; Go's names are Unicode letters, digits and `_`. */
const REFERENCE = /^(?:\{([\p{L}\p{Nd}_]+)\}|([\p{L}\p{Nd}_]+))/u;
/** A group number as Go reads it: digits without a leading zero, below 1e8 (larger ones match no group). */
const GROUP_NUMBER = /^(?:0|[1-9]\d{0,8})$/;
