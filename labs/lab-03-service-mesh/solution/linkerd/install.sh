#!/bin/sh
# Linkerd variant of the lab (grade with --overlay tracks/gateway-api.yaml --overlay tracks/linkerd.yaml).
# Assumes the linkerd CLI (an edge release) on PATH and the Gateway API CRDs installed first.
set -eu
here=$(dirname "$0")
linkerd check --pre
linkerd install --crds | kubectl apply -f -
linkerd install | kubectl apply -f -
linkerd check
linkerd jaeger install | kubectl apply -f -
linkerd jaeger check
kubectl apply -f "$here/namespace.yaml"
kubectl -n inference rollout restart deploy ranker-v1 ranker-v2 frontend
kubectl -n inference rollout status deploy/frontend
kubectl apply -f "$here/traffic.yaml" -f "$here/policy.yaml"
