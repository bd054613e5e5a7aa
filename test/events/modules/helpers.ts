/** Loading processor modules from YAML text, and building events, for the module tests. */
import { execFile } from 'node:child_process';
import { expect } from 'vitest';
import { formatIssue } from '../../../src/config/errors.js';
import { parseSource } from '../../../src/config/yaml-source.js';
import type {
  EventProcessor,
  PipelineEvent,
  ProcessorModule,
  SloClassification,
} from '../../../src/events/pipeline-event.js';
import { renderFamilies } from '../../../src/lang/prometheus-text.js';

/**
 * Loads `module` from an slo-exporter root config text (`modules.<name>` holds its config) as the pipeline
 * does; `issues` are formatted as the CLI prints them.
 */
export async function load(
  module: ProcessorModule,
  yaml: string,
  cwd = process.cwd(),
): Promise<{ processor?: EventProcessor; issues: string[] }> {
  const { doc, issues } = parseSource(yaml, 'slo_exporter.yaml');
  expect(issues).toEqual([]);
  const loaded = await module.load(doc, ['modules', module.name], { cwd });
  return { processor: loaded.processor, issues: loaded.issues.map(formatIssue) };
}

/** Loads a config that must be valid. */
export async function loadValid<P extends EventProcessor>(
  module: ProcessorModule,
  yaml: string,
  cwd?: string,
): Promise<P> {
  const { processor, issues } = await load(module, yaml, cwd);
  expect(issues).toEqual([]);
  return processor as P;
}

/** A raw event with prototype-free metadata, as the sources build them. */
export function rawEvent(
  metadata: Record<string, string>,
  classification?: SloClassification,
): PipelineEvent {
  return {
    metadata: Object.assign(Object.create(null), metadata),
    classification: classification && { ...classification },
    quantity: 1,
  };
}

/** The processor's families as a text exposition (throws on an invalid one). */
export function exposition(processor: EventProcessor): string {
  return renderFamilies(processor.families());
}

/** promtool's exit code and findings for an exposition. */
export function promtoolCheck(text: string): Promise<{ code: number; findings: string[] }> {
  return new Promise((resolve) => {
    const child = execFile('promtool', ['check', 'metrics'], (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
      resolve({ code, findings: `${stdout}${stderr}`.split('\n').filter(Boolean) });
    });
    child.stdin!.end(text);
  });
}
