// A bounded least-recently-used cache of std::regex objects behind a mutex. Compiling an ECMAScript regex
// costs far more than a lookup, and rubric patterns repeat across every object and every submission.
#include "grader/regex_cache.h"

#include <list>
#include <mutex>
#include <unordered_map>

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
