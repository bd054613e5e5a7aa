/**
 * `$name` / `${name}` placeholders as the older Iter8 generation filled them with Python's
 * `string.Template.safe_substitute` (reference/iter8.md §2.2): names are ASCII identifiers (letters, digits,
 * `_`, not starting with a digit, any case); `$$` is a literal `$`; a placeholder whose name is not given,
 * and a `$` followed by anything else, stay as written. Pure.
 */

const PLACEHOLDER = /\$(?:(\$)|([_a-zA-Z][_a-zA-Z0-9]*)|\{([_a-zA-Z][_a-zA-Z0-9]*)\})/g;

/** `text` with its placeholders replaced from `args`; `used` receives the names that were replaced. */
export function safeSubstitute(
  text: string,
  args: Readonly<Record<string, string>>,
  used?: Set<string>,
): string {
  return text.replace(PLACEHOLDER, (whole, dollar: string | undefined, named?: string, braced?: string) => {
    if (dollar !== undefined) return '$';
    const name = (named ?? braced)!;
    if (!Object.hasOwn(args, name)) return whole;
    used?.add(name);
    return args[name]!;
  });
}

/**
 * Placeholder arguments from values: top-level strings as they are, numbers as JavaScript prints them,
 * booleans `true`/`false`; maps, lists and null are not arguments (their placeholders stay as written).
 */
export function placeholderArgs(values: Readonly<Record<string, unknown>>): Record<string, string> {
  const args: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (typeof value === 'string') args[name] = value;
    else if (typeof value === 'number' || typeof value === 'boolean') args[name] = String(value);
  }
  return args;
}
