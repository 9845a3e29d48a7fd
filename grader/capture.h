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
// Steps of checks on other clusters are included too: a multi-cluster lab needs one capture per cluster.
Status captureForRubric(const Rubric& rubric, KubeClient& client, const std::string& outDir, std::string capturedAt);

}  // namespace kc::grader
