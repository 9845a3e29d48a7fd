// One problem found in a quiz bank or a quiz operation, with the place in the source file where it was found.
// Loading and validation collect every problem rather than stopping at the first, so authors fix a bank in one pass.
#pragma once

#include <string>
#include <vector>

namespace kc::quiz {

struct QuizError {
    std::string file;  // empty when the problem is not tied to a file
    int line = 0;      // 1-based; 0 when unknown
    int column = 0;    // 1-based; 0 when unknown
    std::string message;

    // "file:line:col: message", leaving out the parts that are unknown.
    std::string toString() const {
        std::string out;
        if (!file.empty()) {
            out += file;
            if (line > 0) out += ":" + std::to_string(line) + ":" + std::to_string(column);
            out += ": ";
        }
        return out + message;
    }
};

using QuizErrors = std::vector<QuizError>;

}  // namespace kc::quiz
