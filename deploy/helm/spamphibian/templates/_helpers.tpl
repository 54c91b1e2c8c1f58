{{- define "spamphibian.labels" -}}
app.kubernetes.io/name: spamphibian
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "spamphibian.secretName" -}}
{{ .Values.existingSecret | default (printf "%s-spamphibian" .Release.Name) }}
{{- end -}}
