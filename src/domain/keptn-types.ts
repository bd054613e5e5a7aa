/**
 * Shapes of Keptn's SLO file and of the events lighthouse-service reads and writes (Keptn CloudEvents spec
 * 0.2.x as go-utils 0.20 serializes it: `pkg/lib/service_level_objectives.go`, `pkg/lib/v0_2_0/evaluation.go`,
 * `getsli.go`, `events.go`). Field names are the wire names. Facts: /work/shared/reference/keptn.md §1.5, §4.
 */

/** `comparison` of slo.yaml, after lighthouse's defaults (`defaultKeptnSlo`). */
export interface KeptnComparison {
  /** `single_result` (1 previous evaluation), `several_results` (`number_of_comparison_results`); unset: 3. */
  compare_with?: 'single_result' | 'several_results';
  /** Which previous evaluations count, by their overall `data.result`: all, pass, or pass and warning. */
  include_result_with_score: 'all' | 'pass' | 'pass_or_warn';
  /** Previous evaluations compared with under `several_results` (lighthouse's default 3). */
  number_of_comparison_results: number;
  /** How the previous values of an SLI are combined into the comparison value. */
  aggregate_function: 'avg' | 'p50' | 'p90' | 'p95';
}

/** One criteria set: every criterion must hold (AND). */
export interface KeptnCriteriaSet {
  /** Criteria strings such as `<=+10%`, `<600` (grammar: `parseCriteriaString`). */
  criteria: string[];
}

/** One objective of slo.yaml. Several criteria sets in `pass` or `warning` are alternatives (OR). */
export interface KeptnObjective {
  /** SLI name, as in the provider's sli.yaml and in `indicatorValues[].metric`. */
  sli: string;
  /** Shown in results and key-SLI messages; lighthouse leaves it "" when unset (no fallback to `sli`). */
  displayName?: string;
  /** No sets: an informational objective, never scored. */
  pass?: KeptnCriteriaSet[];
  warning?: KeptnCriteriaSet[];
  /** Score points of the objective (a positive integer after defaults: 0 or unset is 1). */
  weight: number;
  /** A failing key SLI fails the whole evaluation whatever the total score. */
  key_sli?: boolean;
}

/** slo.yaml after lighthouse's defaults. */
export interface KeptnSlo {
  spec_version?: string;
  /** Passed to the SLI provider as `customFilters`; not used by the evaluation itself. */
  filter?: Record<string, string>;
  comparison: KeptnComparison;
  objectives: KeptnObjective[];
  /** Percentages as written (`"90%"`, `"90"`): the total score needed for pass and for warning. */
  total_score?: { pass?: string; warning?: string };
}

/** One SLI value of a get-sli.finished event (`SLIResult`). */
export interface KeptnSliResult {
  metric: string;
  value: number;
  /** The aggregated previous value the criteria were compared with (set by the evaluation; 0 otherwise). */
  comparedValue?: number;
  /** false: the provider could not get a value (`value` is then 0 and `message` says why). */
  success: boolean;
  message?: string;
}

/** Common `data` fields of Keptn events (`EventData`). */
export interface KeptnEventData {
  project?: string;
  stage?: string;
  service?: string;
  labels?: Record<string, string>;
  /** `succeeded` | `errored` | `aborted` | `unknown`: could the task be done. */
  status?: string;
  /** `pass` | `warning` | `fail`: the task's outcome. */
  result?: string;
  message?: string;
}

/** `data` of `sh.keptn.event.get-sli.finished`. */
export interface GetSliFinishedData extends KeptnEventData {
  /** Absent when the provider failed before querying (status `errored`). */
  'get-sli'?: { start?: string; end?: string; indicatorValues?: KeptnSliResult[] };
}

/** One evaluated criterion (`SLITarget`). */
export interface SliTarget {
  criteria: string;
  /** The threshold the value was compared with (relative criteria: computed from the comparison value). */
  targetValue: number;
  violated: boolean;
}

/** Status of one objective's result. */
export type SliStatus = 'pass' | 'warning' | 'fail' | 'info';

/** Result of one objective (`SLIEvaluationResult`). */
export interface SliEvaluationResult {
  /** `weight` on pass, `weight / 2` on warning, else 0. */
  score: number;
  /** null: an informational objective without a value. */
  value: KeptnSliResult | null;
  displayName: string;
  /** null when lighthouse leaves it unset (a pass criteria set without criteria). */
  passTargets: SliTarget[] | null;
  /** null when the objective has no warning criteria (and was evaluated). */
  warningTargets: SliTarget[] | null;
  keySli: boolean;
  status: SliStatus;
}

/** `data.evaluation` of `sh.keptn.event.evaluation.finished` (`EvaluationDetails`). */
export interface EvaluationDetails {
  timeStart: string;
  timeEnd: string;
  /** Score-based result: `pass` | `warning` | `fail`. */
  result: string;
  /** Total score in percent (0..100), unrounded as lighthouse sends it. */
  score: number;
  /** Base64 of the raw slo.yaml ("" when there was none). */
  sloFileContent: string;
  /** In objective order; null when the objectives were not evaluated. */
  indicatorResults: SliEvaluationResult[] | null;
  /** Ids of the previous evaluation.finished events compared with (omitted when none). */
  comparedEvents?: string[];
}

/** `data` of `sh.keptn.event.evaluation.finished`: overall status, result and message beside the evaluation. */
export interface EvaluationFinishedData extends KeptnEventData {
  evaluation: EvaluationDetails;
}

/**
 * What the evaluation reads of a previous evaluation.finished `data`: its scope and overall result (for
 * selection) and its indicator results' values. Any `EvaluationFinishedData` is one.
 */
export interface PreviousEvaluationData extends KeptnEventData {
  evaluation?: { indicatorResults?: readonly ({ value?: KeptnSliResult | null } | null)[] | null } | null;
}

/** A previous evaluation offered for comparison: its event id when known, and its `data`. */
export interface PreviousEvaluation {
  id?: string;
  data: PreviousEvaluationData;
}
