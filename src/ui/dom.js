/**
 * DOM building without HTML parsing: every string becomes a text node, so SLO names, labels and messages
 * (untrusted: they come from config files and event rules) can never inject markup.
 */

/**
 * Creates an element. `attrs`: attribute name → value (`class` sets className; `undefined`, `null` and
 * `false` are skipped; `true` sets an empty attribute). Children: nodes, strings, numbers or nested arrays;
 * `null`/`undefined`/`false` are skipped.
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, unknown>} [attrs]
 * @param {...unknown} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat(Number.POSITIVE_INFINITY)) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : String(child));
  }
  return element;
}

/**
 * The path of one SLO's page.
 * @param {string} name
 */
export function sloHref(name) {
  return `/slos/${encodeURIComponent(name)}`;
}
