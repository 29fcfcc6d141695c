{{/* The namespace of every namespaced object. */}}
{{- define "ferrolb.namespace" -}}
{{- default .Release.Namespace .Values.namespace.override -}}
{{- end -}}

{{/*
Labels on every object's metadata: part-of, as deploy/base puts on everything, and Helm's
standard ones.
*/}}
{{- define "ferrolb.labels" -}}
app.kubernetes.io/part-of: ferrolb
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
{{- end -}}

{{/* The selector of a component's pods; call with (dict "component" "controller"). */}}
{{- define "ferrolb.selectorLabels" -}}
app.kubernetes.io/name: ferrolb
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "ferrolb.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/*
The metrics flags, the same for both components. Plain: one port for /metrics and the probes.
Secure: MetalLB's --port for HTTPS /metrics and --health-probe-port for the plain-HTTP probes.
*/}}
{{- define "ferrolb.metricsArgs" -}}
{{- $m := .Values.metrics -}}
{{- if $m.secure.enabled -}}
{{- if eq (int $m.secure.port) (int $m.port) -}}
{{- fail "metrics.secure.port must differ from metrics.port: HTTPS /metrics and the plain-HTTP probes need a port each" -}}
{{- end }}
- --port={{ $m.secure.port }}
- --health-probe-port={{ $m.port }}
- --metrics-cert-dir=/etc/metrics
{{- with $m.secure.tlsMinVersion }}
- --tls-min-version={{ . }}
{{- end }}
{{- with $m.secure.tlsCipherSuites }}
- --tls-cipher-suites={{ . }}
{{- end }}
{{- else }}
- --metrics-port={{ $m.port }}
{{- end }}
{{- end -}}

{{/* The pod annotations: Prometheus' scrape annotations, then the user's. */}}
{{- define "ferrolb.podAnnotations" -}}
{{- $m := .root.Values.metrics -}}
{{- $a := dict -}}
{{- if $m.scrapeAnnotations -}}
{{- $_ := set $a "prometheus.io/scrape" "true" -}}
{{- if $m.secure.enabled -}}
{{- $_ := set $a "prometheus.io/port" (toString $m.secure.port) -}}
{{- $_ := set $a "prometheus.io/scheme" "https" -}}
{{- else -}}
{{- $_ := set $a "prometheus.io/port" (toString $m.port) -}}
{{- end -}}
{{- end -}}
{{- $a = merge (deepCopy .podAnnotations) $a -}}
{{- if $a }}
annotations:
  {{- toYaml $a | nindent 2 }}
{{- end -}}
{{- end -}}

{{/* The flags common to both components after the metrics flags: class, log level, extra args. */}}
{{- define "ferrolb.commonArgs" -}}
{{- with .root.Values.loadBalancerClass }}
- --lb-class={{ . }}
{{- end }}
{{- with .component.logLevel }}
- --log-level={{ . }}
{{- end }}
{{- range .component.extraArgs }}
- {{ . | quote }}
{{- end }}
{{- end -}}

{{/* A pod's scheduling fields; call with the component's values. */}}
{{- define "ferrolb.scheduling" -}}
{{- with .priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
