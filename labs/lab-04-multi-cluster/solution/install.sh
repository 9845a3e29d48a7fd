#!/usr/bin/env bash
# Reference set-up for Lab 4 (Karmada track), after `kubeclass-grade cluster up lab-04-multi`.
# Needs kubectl, kind and karmadactl (same minor version as the Karmada you install) on PATH.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
data=${KARMADA_DATA:-$HOME/.karmada}

# 1. Karmada's control plane in the hub cluster (karmada-system). Its API server is published as a NodePort
#    (32443) on the hub node; the kubeconfig for it lands in $data/karmada-apiserver.config.
karmadactl init --kubeconfig "$HOME/.kube/config" --context kind-lab-04-hub \
  --karmada-data "$data" --karmada-pki "$data/pki"

# 2. Join both members in push mode. Karmada's controllers run inside the hub, so they need the members'
#    addresses on kind's docker network (--internal), not the 127.0.0.1 ports of your own kubeconfig.
for m in lab-04-member-a lab-04-member-b; do
  kind get kubeconfig --internal --name "$m" > "$data/$m.internal.config"
  karmadactl join "$m" --kubeconfig "$data/karmada-apiserver.config" \
    --cluster-kubeconfig "$data/$m.internal.config" --cluster-context "kind-$m"
done

# 3. One kubeconfig view with all four contexts (the grader takes one context per cluster).
export KUBECONFIG="$HOME/.kube/config:$data/karmada-apiserver.config"
kubectl config get-contexts

# 4. Federation, discovery and replication, applied to the Karmada API server.
kubectl --context karmada-apiserver apply -f "$here/karmada/"

# 5. The runbook is not installed anywhere: it is graded from the submission (runbook/RUNBOOK.md).
