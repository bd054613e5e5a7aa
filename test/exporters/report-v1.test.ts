import { describe, expect, it } from 'vitest';
import { buildReport } from '../../src/domain/report.js';
import type { InvalidReport, SloConfig, ValidReport } from '../../src/domain/types.js';
import { reportV2toV1 } from '../../src/exporters/report-v1.js';
import { policyStep } from '../helpers/pushgateway.js';

const slo: SloConfig = {
  apiVersion: 'sre.google.com/v2',
  kind: 'ServiceLevelObjective',
  metadata: {
    name: 'svc-feat-slo',
    labels: { service_name: 'svc', feature_name: 'feat', slo_name: 'slo', env: 'prod', tier: 1 },
    annotations: 'kept',
  },
  spec: {
    description: 'Availability',
    backend: 'prometheus',
    method: 'good_bad_ratio',
    service_level_indicator: {},
    goal: 0.9,
  },
};

describe('reportV2toV1 (slo-generator report_v2tov1)', () => {
  it('renames in place, promotes the three labels and flattens the rest of metadata', () => {
    const v2 = buildReport({
      slo,
      step: policyStep('1h', 3600, 3),
      timestamp: 1702660513,
      result: [3556, 3556],
    });
    const v1 = reportV2toV1(v2 as ValidReport);
    expect(Object.keys(v1)).toEqual([
      'name',
      'slo_description',
      'slo_target',
      'backend',
      'gap',
      'error_budget_policy_step_name',
      'error_budget_target',
      'error_budget_measurement',
      'error_budget_burn_rate',
      'alerting_burn_rate_threshold',
      'error_budget_minutes',
      'error_budget_remaining_minutes',
      'error_minutes',
      'error_budget_consumed_ratio',
      'valid',
      'timestamp',
      'timestamp_human',
      'window',
      'alert',
      'consequence_message',
      'exporters',
      'error_budget_policy',
      'sli_measurement',
      'events_count',
      'bad_events_count',
      'good_events_count',
      'errors',
      'service_name',
      'feature_name',
      'slo_name',
      'metadata',
    ]);
    expect(v1).toMatchObject({
      name: 'svc-feat-slo',
      slo_description: 'Availability',
      slo_target: 0.9,
      alerting_burn_rate_threshold: 3,
      error_budget_burn_rate: 5,
      sli_measurement: 0.5,
      service_name: 'svc',
      feature_name: 'feat',
      slo_name: 'slo',
      metadata: { env: 'prod', tier: 1, annotations: 'kept' },
    });
    expect(v1).not.toHaveProperty('goal');
    expect(v2.metadata.labels).toHaveProperty('service_name', 'svc'); // the v2 report is left unchanged
  });

  it('gives invalid reports the SLO name, which slo-generator leaves out', () => {
    const invalid: InvalidReport = {
      metadata: { name: 'broken', labels: { service_name: 'svc' } },
      errors: ['Backend returned NO_DATA (-1).'],
      error_budget_policy_step_name: '1h',
      valid: false,
    };
    expect(reportV2toV1(invalid)).toEqual({
      errors: ['Backend returned NO_DATA (-1).'],
      error_budget_policy_step_name: '1h',
      valid: false,
      service_name: 'svc',
      metadata: {},
      name: 'broken',
    });
  });
});
