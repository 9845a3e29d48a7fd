// A bounded least-recently-used cache of std::regex objects behind a mutex. Compiling an ECMAScript regex
// costs far more than a lookup, and rubric patterns repeat across every object and every submission.
#include "grader/regex_cache.h"

#include <list>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace kc::grader {
namespace {

constexpr size_t kCapacity = 4096;

struct Cache {
    std::mutex mutex;
    std::list<std::string> order;  // most recent first
    struct Entry {
        std::shared_ptr<const std::regex> regex;
        std::list<std::string>::iterator position;
    };
    std::unordered_map<std::string, Entry> entries;
};

Cache& cache() {
    static Cache instance;
    return instance;
}

// std::regex backtracks, so an unbounded repeat inside an unbounded repeat ((a+)+, (x*y)*, .*+) can take
// exponential time on a subject that almost matches; one such rubric pattern would stall every grading worker.
// Such patterns are refused when compiled: each can be written without the nesting. Bounded repeats (?, {n},
// {n,m}) stay allowed. Returns what is wrong, or empty.
std::string nestedRepeatProblem(const std::string& pattern) {
    std::vector<bool> groupHasUnbounded;  // per open group: does it contain an unbounded repeat?
    bool inClass = false;
    enum class Previous { Other, Repeat, UnboundedGroup } previous = Previous::Other;
    for (size_t i = 0; i < pattern.size(); ++i) {
        char c = pattern[i];
        if (c == '\\') {
            ++i;
            previous = Previous::Other;
            continue;
        }
        if (inClass) {
            if (c == ']') inClass = false;
            continue;
        }
        bool isRepeat = c == '*' || c == '+' || c == '{' || (c == '?' && !(i > 0 && pattern[i - 1] == '('));
        if (isRepeat) {
            if (c == '?' && previous == Previous::Repeat) {  // lazy suffix: .*? is one repeat
                previous = Previous::Other;
                continue;
            }
            bool unbounded = c == '*' || c == '+';
            size_t end = i;
            if (c == '{') {
                end = pattern.find('}', i);
                if (end == std::string::npos) end = pattern.size() - 1;
                std::string body = pattern.substr(i + 1, end - i - 1);
                unbounded = body.find(',') != std::string::npos && body.back() == ',';
            }
            if (previous == Previous::Repeat && unbounded)
                return "a repeat directly after a repeat (\"" + pattern.substr(i - 1, 2) + "\")";
            if (previous == Previous::UnboundedGroup && unbounded)
                return "an unbounded repeat of a group that itself holds one";
            if (unbounded && !groupHasUnbounded.empty()) groupHasUnbounded.back() = true;
            i = end;
            previous = Previous::Repeat;
            continue;
        }
        if (c == '[') {
            inClass = true;
        } else if (c == '(') {
            groupHasUnbounded.push_back(false);
        } else if (c == ')' && !groupHasUnbounded.empty()) {
            bool inner = groupHasUnbounded.back();
            groupHasUnbounded.pop_back();
            if (inner && !groupHasUnbounded.empty()) groupHasUnbounded.back() = true;
            previous = inner ? Previous::UnboundedGroup : Previous::Other;
            continue;
        }
        previous = Previous::Other;
    }
    return {};
}

}  // namespace

Result<std::shared_ptr<const std::regex>> compiledRegex(const std::string& pattern) {
    Cache& c = cache();
    {
        std::lock_guard<std::mutex> lock(c.mutex);
        auto it = c.entries.find(pattern);
        if (it != c.entries.end()) {
            c.order.splice(c.order.begin(), c.order, it->second.position);
            return it->second.regex;
        }
    }
    // Compile outside the lock: two threads may compile the same pattern once each, which is harmless.
    std::shared_ptr<const std::regex> compiled;
    try {
        compiled = std::make_shared<const std::regex>(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
        return fail(ErrorKind::Invalid, "invalid regular expression /" + pattern + "/: " + e.what());
    }
    // Checked after compiling so a pattern that is also malformed gets std::regex's own complaint.
    if (std::string problem = nestedRepeatProblem(pattern); !problem.empty())
        return fail(ErrorKind::Invalid, "regular expression /" + pattern + "/ is refused: " + problem +
                                            " can take exponential time; write it without the nested repeat");
    std::lock_guard<std::mutex> lock(c.mutex);
    auto it = c.entries.find(pattern);
    if (it != c.entries.end()) return it->second.regex;
    c.order.push_front(pattern);
    c.entries.emplace(pattern, Cache::Entry{compiled, c.order.begin()});
    if (c.entries.size() > kCapacity) {
        c.entries.erase(c.order.back());
        c.order.pop_back();
    }
    return compiled;
}

size_t regexCacheSize() {
    Cache& c = cache();
    std::lock_guard<std::mutex> lock(c.mutex);
    return c.entries.size();
}

}  // namespace kc::grader
