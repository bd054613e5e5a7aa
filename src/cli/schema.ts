/** `slokit schema`: prints the JSON Schema of the config files for editors and CI. */
import type { Command } from 'commander';
import { EXIT, type Exec, UsageError } from './context.js';

async function run(kind: string | undefined): Promise<number> {
  const { jsonSchemas } = await import('../config/shared-config-schema.js'); // zod is loaded only for this command
  const schemas = jsonSchemas();
  if (kind !== undefined && kind !== 'slo' && kind !== 'config') {
    throw new UsageError(`schema kind must be "slo" or "config", got "${kind}"`);
  }
  const out = kind
    ? schemas[kind]
    : { $schema: 'https://json-schema.org/draft/2020-12/schema', anyOf: [schemas.slo, schemas.config] };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return EXIT.ok;
}

export function registerSchema(program: Command, exec: Exec): void {
  program
    .command('schema')
    .description('Print the JSON Schema of SLO files ("slo"), the shared config ("config"), or both')
    .argument('[kind]', 'slo | config')
    .action((kind: string | undefined) => exec(() => run(kind)));
}
