// The live object source: reads a cluster through KubeClient with one LIST per (resource type, namespace) per
// pass, shared by every check, and waits for changes by watch. Created with liveSource() (object_source.h).
#pragma once

#include "grader/object_source.h"

namespace kc::grader {

// How many LISTs a live source has sent since it was made (for request budgets in tests and benchmarks).
size_t liveListCount(const ObjectSource& source);

}  // namespace kc::grader
