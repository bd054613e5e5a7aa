import { sharedConfigSchema } from '../../src/config/schema.js';
import { validateWith } from '../../src/config/validate.js';
import { parseSource } from '../../src/config/yaml-source.js';

const n = 40000;
const t = `error_budget_policies: {}\n${Array.from({ length: n }, (_, i) => `unknown_field_${i}: 1\n`).join('')}`;
let s = performance.now();
const p = parseSource(t, 'f');
console.log('parse', (performance.now() - s) | 0);
s = performance.now();
const r = sharedConfigSchema.safeParse(p.doc.value);
console.log('zod', (performance.now() - s) | 0);
s = performance.now();
const v = validateWith(sharedConfigSchema, p.doc.value, p.doc);
console.log('validateWith', (performance.now() - s) | 0, v.issues.length);
