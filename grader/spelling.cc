// Edit distance with transpositions over short keys: the nearest option is suggested when it is close
// enough to be a typo, and nothing is suggested otherwise.
#include "grader/spelling.h"

#include <algorithm>

namespace kc::grader {
namespace {

// Optimal string alignment distance: Levenshtein plus swapping two neighbours as one edit ("nmae" → "name").
size_t editDistance(const std::string& a, const std::string& b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string didYouMean(const std::string& word, const std::vector<std::string>& options) {
    if (word.size() > 64) return "";  // not a typo of a short key; skip the quadratic work
    const std::string* best = nullptr;
    size_t bestDistance = 0;
    for (const auto& option : options) {
        size_t d = editDistance(word, option);
        if (best == nullptr || d < bestDistance) {
            best = &option;
            bestDistance = d;
        }
    }
    // Two edits for ordinary words, one for very short ones, so "id" does not suggest "ip".
    size_t allowed = std::max<size_t>(1, std::min<size_t>(2, word.size() / 3));
    if (best == nullptr || bestDistance == 0 || bestDistance > allowed) return "";
    return " (did you mean \"" + *best + "\"?)";
}

}  // namespace kc::grader
