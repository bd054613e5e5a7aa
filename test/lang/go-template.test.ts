/**
 * Unit tests of the Go template API: compile once and execute many times, error objects (kind, template name,
 * line, column), Iter8 value conventions (float64 JSON numbers, int64 elapsedTimeSeconds) and what errors
 * must not reveal. Go's own behaviour is checked by go-template.differential.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { GoInt64, GoTemplateError, parseTemplate } from '../../src/lang/go-template.js';
import { MAX_NESTING_DEPTH } from '../../src/lang/go-template-parse.js';

function errorOf(run: () => unknown): GoTemplateError {
  try {
    run();
  } catch (error) {
    if (error instanceof GoTemplateError) return error;
    throw error;
  }
  throw new Error('expected a GoTemplateError');
}

describe('parseTemplate', () => {
  it('compiles once and renders each execution with its own data', () => {
    const template = parseTemplate('{{ .name }}={{ .value }}', 'pair');
    expect(template.execute({ name: 'a', value: 1 })).toBe('a=1');
    expect(template.execute({ name: 'b', value: 2.5 })).toBe('b=2.5');
    expect(template.execute({})).toBe('<no value>=<no value>');
  });

  it('renders the Iter8 Prometheus query with labels, trimming and an int64 window', () => {
    const text = [
      'sum(last_over_time(istio_requests_total{',
      '  reporter="source",',
      '  {{- if .destination_workload }}',
      '  destination_workload="{{ .destination_workload }}",',
      '  {{- end }}',
      '  {{- if .destination_workload_namespace }}',
      '  destination_workload_namespace="{{ .destination_workload_namespace }}",',
      '  {{- end }}',
      '}[{{ .elapsedTimeSeconds }}s])) or on() vector(0)',
    ].join('\n');
    const template = parseTemplate(text, 'provider template');
    const data = { destination_workload: 'reviews-v2', elapsedTimeSeconds: new GoInt64(600n) };
    expect(template.execute(data)).toBe(
      'sum(last_over_time(istio_requests_total{\n  reporter="source",\n  destination_workload="reviews-v2",\n}[600s])) or on() vector(0)',
    );
  });

  it('prints JSON numbers as Go prints float64 and int64 values as integers', () => {
    const template = parseTemplate('{{ .f }} {{ .big }} {{ .i }} {{ kindOf .f }} {{ kindOf .i }}', 't');
    expect(template.execute({ f: 600, big: 1e6, i: new GoInt64(1000000n) })).toBe(
      '600 1e+06 1000000 float64 int64',
    );
  });

  it('reads only own properties of objects', () => {
    expect(parseTemplate('{{ .constructor }} {{ .toString }}', 't').execute({})).toBe(
      '<no value> <no value>',
    );
  });
});

describe('template errors', () => {
  it('reports a parse error with kind, template name and line', () => {
    const error = errorOf(() => parseTemplate('ok\n{{ if .x }}\n{{ nosuch 1 }}\n{{ end }}', 'istio-prom'));
    expect(error).toMatchObject({ kind: 'parse', templateName: 'istio-prom', line: 3 });
    expect(error.message).toBe('template: istio-prom:3: function "nosuch" not defined');
  });

  it('reports a missing {{end}} at the end of the text', () => {
    const error = errorOf(() => parseTemplate('a\nb {{ if .x }}\nc', 't'));
    expect(error).toMatchObject({ kind: 'parse', line: 3 });
  });

  it('reports an execution error with line, Go column (byte offset of the field) and the template being executed', () => {
    const template = parseTemplate('{{ define "q" }}\n  {{ .a.b }}{{ end }}x{{ template "q" . }}', 'main');
    const error = errorOf(() => template.execute({ a: 'text' }));
    expect(error).toMatchObject({ kind: 'exec', templateName: 'main', line: 2, column: 7 });
    expect(error.message).toBe('template: main:2:7: executing "q": can\'t evaluate field b in type string');
  });

  it('gives the 1-based character column of the offending token or node in sourceColumn', () => {
    expect(errorOf(() => parseTemplate('é\n ü{{ if }}', 't'))).toMatchObject({
      kind: 'parse',
      line: 2,
      column: undefined,
      sourceColumn: 9,
    });
    const error = errorOf(() => parseTemplate('é{{ .a.b }}', 't').execute({ a: 1 }));
    // Go's column is the byte offset of `.b` (é is 2 bytes); the source column counts characters from 1.
    expect(error).toMatchObject({ kind: 'exec', line: 1, column: 7, sourceColumn: 7 });
  });

  it.each([
    ['parentheses', `{{ ${'('.repeat(20000)}1${')'.repeat(20000)} }}`],
    ['if blocks', `${'{{ if 1 }}'.repeat(20000)}x${'{{ end }}'.repeat(20000)}`],
    ['range blocks', `${'{{ range . }}'.repeat(20000)}x${'{{ end }}'.repeat(20000)}`],
    ['else if chains', `{{ if 0 }}${'{{ else if 0 }}'.repeat(20000)}{{ end }}`],
  ])('stops %s nested beyond MAX_NESTING_DEPTH with a parse error, not a stack overflow', (_, text) => {
    const error = errorOf(() => parseTemplate(text, 't'));
    expect(error).toMatchObject({ kind: 'parse', line: 1 });
    expect(error.detail).toBe('max expression depth exceeded');
  });

  it('parses and executes nesting up to MAX_NESTING_DEPTH', () => {
    const parens = MAX_NESTING_DEPTH - 1; // the action's `if` below is one more level
    const text = `{{ if 1 }}{{ ${'('.repeat(parens)}1${')'.repeat(parens)} }}{{ end }}`;
    expect(parseTemplate(text, 't').execute({})).toBe('1');
  });

  it('stops recursive template calls with an execution error', () => {
    const template = parseTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', 't');
    const error = errorOf(() => template.execute({}));
    expect(error.kind).toBe('exec');
    expect(error.detail).toBe('executing "r": exceeded maximum template depth (1000)');
  });

  it('turns a failing function into an execution error naming the function', () => {
    const error = errorOf(() => parseTemplate('{{ fail "labels.app is required" }}', 't').execute({}));
    expect(error.kind).toBe('exec');
    expect(error.message).toBe('template: t:1:3: executing "t": error calling fail: labels.app is required');
  });

  it('does not put the value of a non-iterable range in the error', () => {
    const error = errorOf(() =>
      parseTemplate('{{ range .token }}{{ end }}', 't').execute({ token: 's3cr3t-t0ken' }),
    );
    expect(error.kind).toBe('exec');
    expect(error.message).not.toContain('s3cr3t');
  });

  it('stops endless template recursion with an execution error', () => {
    const template = parseTemplate('{{ define "r" }}{{ template "r" . }}{{ end }}{{ template "r" . }}', 't');
    expect(errorOf(() => template.execute({})).kind).toBe('exec');
  });
});
