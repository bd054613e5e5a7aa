/**
 * Test-only processor modules for the linking tests: each appends its name to the `trace` metadata, and
 * optionally requires one config key (reported as a positioned issue when absent).
 */
import type { ConfigIssue } from '../../../src/config/errors.js';
import { ModuleConfigReader } from '../../../src/events/module-config.js';
import {
  PROCESSOR_MODULES,
  type ProcessorModuleRegistry,
  processorModuleRegistry,
} from '../../../src/events/pipeline-config/processor-modules.js';
import type { ProcessorModule } from '../../../src/events/pipeline-event.js';

/**
 * A module named `name` whose config may hold `keys` (default `note`), of which `required` must be set.
 */
export function traceModule(
  name: string,
  { keys = ['note'], required }: { keys?: string[]; required?: string } = {},
): ProcessorModule {
  return {
    name,
    async load(doc, path) {
      const issues: ConfigIssue[] = [];
      const module = ModuleConfigReader.open(doc, path, keys, issues);
      if (module && required && !module.has(required))
        module.issue(undefined, `required field "${required}" is missing`);
      if (issues.length) return { issues };
      return {
        issues,
        processor: {
          moduleName: name,
          process(event) {
            event.metadata.trace = `${event.metadata.trace ?? ''}>${name}`;
            return event;
          },
          families: () => [],
        },
      };
    },
  };
}

/** slokit's registry with trace modules standing in for the processors of the same names (or added). */
export function registryWith(...modules: ProcessorModule[]): ProcessorModuleRegistry {
  const replaced = new Set(modules.map((module) => module.name));
  return processorModuleRegistry([
    ...[...PROCESSOR_MODULES.values()].filter((module) => !replaced.has(module.name)),
    ...modules,
  ]);
}
