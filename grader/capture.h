// `kubeclass-grade capture`: writes everything a rubric reads from a live cluster into a directory that the
// snapshot source grades later with the same results. Layout: grader/README.md, "Captures".
#pragma once

#include <string>

#include "clusters/kube_client.h"
#include "clusters/result.h"
#include "grader/rubric.h"

namespace kc::grader {

inline constexpr const char* kCaptureManifest = "capture.json";
inline constexpr const char* kCaptureFormat = "kubeclass-capture";
inline constexpr int kCaptureVersion = 1;

// Writes, into outDir (created if missing): capture.json (lab, cluster version, capturedAt, and what was
// captured), one List file per (kind, namespace) that the rubric's assert/absent/delete/provenance steps target
// (defaults.namespace applied as the runner applies it), the pods, logs and events of its logs and events steps.
// Every check's steps are captured whatever its cluster; for a multi-cluster lab, capture each cluster with
// rubricForCluster (what `kubeclass-grade capture --context CLUSTER=CTX ...` does, one directory per cluster).
Status captureForRubric(const Rubric& rubric, KubeClient& client, const std::string& outDir, std::string capturedAt);

// The rubric with only the checks that read `cluster` (its `needs` kept as written: a capture plans reads, it does
// not run checks). For a single-cluster rubric, or cluster "", the rubric unchanged.
Rubric rubricForCluster(const Rubric& rubric, const std::string& cluster);

}  // namespace kc::grader
