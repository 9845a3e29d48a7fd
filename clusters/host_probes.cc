// The real host: bounded reads, statvfs, and a bind() on the port (closed at once; SO_REUSEADDR so a port in
// TIME_WAIT does not count as taken, as docker's own bind would succeed).
#include "clusters/host_probes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>


namespace kc {

namespace {

class SystemHostProbes final : public HostProbes {
public:
    // /proc and /sys files report size 0, so read until end of file (bounded) instead of trusting stat.
    Result<std::string> readFile(const std::string& path) override {
        std::ifstream in(path, std::ios::binary);
        if (!in) return fail(errno == ENOENT ? ErrorKind::NotFound : ErrorKind::Other, "cannot open " + path);
        constexpr size_t kLimit = 1024 * 1024;
        std::string text;
        char buffer[8192];
        while (in.read(buffer, sizeof buffer) || in.gcount() > 0) {
            text.append(buffer, static_cast<size_t>(in.gcount()));
            if (text.size() > kLimit) return fail(ErrorKind::Invalid, path + " is larger than 1 MiB");
        }
        return text;
    }

    Result<unsigned long long> freeDiskBytes(const std::string& path) override {
        struct statvfs info {};
        if (::statvfs(path.c_str(), &info) != 0)
            return fail(errno == ENOENT ? ErrorKind::NotFound : ErrorKind::Other,
                        "statvfs " + path + ": " + std::strerror(errno));
        return static_cast<unsigned long long>(info.f_bavail) * info.f_frsize;
    }

    bool portFree(const std::string& address, int port, const std::string& protocol) override {
        int fd = ::socket(AF_INET, protocol == "UDP" ? SOCK_DGRAM : SOCK_STREAM, 0);
        if (fd < 0) return true;  // cannot tell; docker will report a clash itself
        int one = 1;
        ::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_port = htons(static_cast<uint16_t>(port));
        if (::inet_pton(AF_INET, address.empty() ? "0.0.0.0" : address.c_str(), &addr.sin_addr) != 1)
            addr.sin_addr.s_addr = htonl(INADDR_ANY);
        int rc = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        int err = errno;
        ::close(fd);
        // Ports below 1024 need privileges we may lack; docker binds them as root, so only "in use" counts.
        return rc == 0 || err != EADDRINUSE;
    }
};

}  // namespace

std::shared_ptr<HostProbes> systemHostProbes() {
    static const std::shared_ptr<HostProbes> probes = std::make_shared<SystemHostProbes>();
    return probes;
}

}  // namespace kc
