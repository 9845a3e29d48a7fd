// A scratch directory per test that is removed when the test ends.
#pragma once

#include <string>

namespace kc::testing {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    // Writes a file under the directory (creating parents) and returns its full path.
    std::string write(const std::string& relativePath, const std::string& content, int mode = 0644) const;

private:
    std::string path_;
};

}  // namespace kc::testing
