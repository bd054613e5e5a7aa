import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { formatIssue } from '../../src/config/errors.js';
import { type CompiledRule, parseRulesFile } from '../../src/events/rules-file.js';

/** Compiled rules from YAML text; throws with the formatted issues when the text is invalid. */
export function rulesFrom(text: string, file = 'rules.yaml'): CompiledRule[] {
  const { rules, issues } = parseRulesFile(text, file);
  if (issues.length) throw new Error(issues.map(formatIssue).join('\n'));
  return rules;
}

/** The text of a file in test/fixtures/events/. */
export function eventsFixture(name: string): string {
  return readFileSync(fileURLToPath(new URL(`../fixtures/events/${name}`, import.meta.url)), 'utf8');
}
