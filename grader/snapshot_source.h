// The snapshot source: grades from files instead of a cluster — a capture directory written by capture.h, or a
// plain `kubectl get ... -o yaml` dump. Read once, bounded, indexed by apiVersion+kind; openSnapshot() makes one.
#pragma once

#include <cstddef>

#include "grader/object_source.h"

namespace kc::grader {

// Bounds for untrusted snapshots (they may come from student repositories).
// yaml-cpp reads about a megabyte a second on a loaded machine, so a file near the old 64 MiB bound took over a
// minute; 16 MiB holds a namespace capture many times over.
inline constexpr size_t kMaxSnapshotFileBytes = 16 * 1024 * 1024;
inline constexpr size_t kMaxSnapshotTotalBytes = 64 * 1024 * 1024;
inline constexpr size_t kMaxSnapshotObjects = 200000;

// Parses snapshot text (YAML or JSON, one or more documents, each an object or a List) into a source;
// sourceName prefixes errors (FILE:LINE:COL). For tests and for callers that already hold the text.
Result<std::unique_ptr<ObjectSource>> snapshotFromText(const std::string& text, const std::string& sourceName);

}  // namespace kc::grader
