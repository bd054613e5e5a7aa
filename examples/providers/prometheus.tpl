{{- /*
  An Iter8-style provider file (newer generation): the whole file is a Go template rendered once per
  version, then read as YAML. Use it with `slokit metrics get -p examples/providers/prometheus.tpl
  --set labels.job=api --set startingTime=2024-01-01T00:00:00Z --dry-run`, or as an `http` backend.

  Values: url (default http://localhost:9090), labels (a map of label matchers), elapsedTimeSeconds
  (injected: seconds since startingTime).
*/ -}}
{{- define "matchers" }}
{{- range $name, $value := .labels }}{{ $name }}="{{ $value }}",{{ end }}
{{- end }}
url: {{ .url | default "http://localhost:9090" }}/api/v1/query
method: GET
metrics:
- name: requests
  type: counter
  description: Requests over the window
  params:
  - name: query
    value: sum(increase(http_requests_total{ {{- template "matchers" . }} }[{{ .elapsedTimeSeconds }}s])) or vector(0)
  jqExpression: .data.result[0].value[1]
- name: errors
  type: counter
  description: Requests answered 5xx over the window
  params:
  - name: query
    value: sum(increase(http_requests_total{ {{- template "matchers" . }}code=~"5.."}[{{ .elapsedTimeSeconds }}s])) or vector(0)
  jqExpression: .data.result[0].value[1]
- name: error-ratio
  type: gauge
  description: Fraction of requests answered 5xx (NaN, so unavailable, without traffic)
  params:
  - name: query
    value: sum(rate(http_requests_total{ {{- template "matchers" . }}code=~"5.."}[{{ .elapsedTimeSeconds }}s])) / sum(rate(http_requests_total{ {{- template "matchers" . }} }[{{ .elapsedTimeSeconds }}s]))
  jqExpression: .data.result.[0].value.[1] | tonumber
