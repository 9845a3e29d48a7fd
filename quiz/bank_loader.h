// Reads a quiz bank (every *.yaml file in a directory) into Questions, checking structure and value types.
// Cross-question checks (unique ids, coverage, references) are the validator's job, not the loader's.
#pragma once

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

#include <tl/expected.hpp>

#include "quiz/question.h"
#include "quiz/quiz_error.h"

namespace kc::quiz {

// A bank file larger than this is refused unread: a bank is hand-written text, so a bigger file is a mistake
// or hostile, and yaml-cpp holds the whole document in memory.
inline constexpr std::size_t kMaxBankFileBytes = 1024 * 1024;

// Parses one YAML document: a sequence of question mappings. `fileName` is only used in error messages.
// Unknown keys, missing keys, wrong value types and keys that do not belong to the question's type are all
// reported, each with file:line:col.
tl::expected<std::vector<Question>, QuizErrors> parseBankYaml(const std::string& text, const std::string& fileName);

// Loads every *.yaml file directly inside `dir`, in file-name order, and returns all questions or every error.
tl::expected<std::vector<Question>, QuizErrors> loadBank(const std::filesystem::path& dir);

}  // namespace kc::quiz
