// Reading rubric.yaml (and instructor overlays) into the rubric model, validating everything a rubric can get
// wrong and reporting all of it at once, each error as FILE:LINE:COL: message.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "clusters/result.h"
#include "grader/rubric.h"

namespace kc::grader {

// Bounds for rubric and overlay files and the fixtures they apply (untrusted enough: labs come from git).
inline constexpr size_t kMaxRubricBytes = 2 * 1024 * 1024;
inline constexpr int kMaxRubricDepth = 64;

// Reads and parses a rubric file; apply fixtures resolve against its directory.
Result<Rubric> loadRubric(const std::string& path);

// Parses rubric text. sourceName prefixes every error; baseDir is the lab directory that `apply: {file: ...}`
// resolves against and must stay inside (empty means the current directory). On failure one Invalid error
// whose message holds every problem, one "FILE:LINE:COL: message" per line, in file order.
Result<Rubric> parseRubric(std::string_view text, const std::string& sourceName, const std::string& baseDir);

// Applies an instructor overlay (see grader/README.md, "Overlays") to a loaded rubric: adds checks (hidden
// unless they say otherwise), changes points, visibility, hints or needs of existing checks, or removes them.
// The result is validated like a rubric; the overlay's `overlay:` id must equal the rubric's lab.
Result<Rubric> applyOverlay(Rubric base, std::string_view overlayText, const std::string& sourceName,
                            const std::string& baseDir);
Result<Rubric> applyOverlayFile(Rubric base, const std::string& path);
// Loads a rubric file and applies the overlay files in order; the first failure is returned.
Result<Rubric> loadRubricWithOverlays(const std::string& path, const std::vector<std::string>& overlayFiles);

}  // namespace kc::grader
