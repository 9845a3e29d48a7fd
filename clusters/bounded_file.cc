// Bounded whole-file reads.
#include "clusters/bounded_file.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace kc {

Result<std::string> readFileBounded(const std::string& path, size_t maxBytes) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
        int err = errno;
        return fail(err == ENOENT ? ErrorKind::NotFound : ErrorKind::Invalid,
                    path + ": cannot read: " + std::strerror(err));
    }
    if (!S_ISREG(info.st_mode)) return fail(ErrorKind::Invalid, path + ": not a regular file");
    if (static_cast<size_t>(info.st_size) > maxBytes)
        return fail(ErrorKind::Invalid, path + ": " + std::to_string(info.st_size) +
                                            " bytes is more than the limit of " + std::to_string(maxBytes));
    std::ifstream in(path, std::ios::binary);
    if (!in) return fail(ErrorKind::Invalid, path + ": cannot open for reading");
    std::string data;
    data.resize(static_cast<size_t>(info.st_size));
    in.read(data.data(), static_cast<std::streamsize>(data.size()));
    data.resize(static_cast<size_t>(in.gcount()));
    // A file that grew while reading is cut at the limit rather than read past it.
    if (in && in.peek() != std::char_traits<char>::eof())
        return fail(ErrorKind::Invalid, path + ": grew past the limit of " + std::to_string(maxBytes) + " bytes");
    return data;
}

}  // namespace kc
