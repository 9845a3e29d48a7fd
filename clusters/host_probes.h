// HostProbes: the seam for what preflight reads from the host itself (files under /proc and /etc, free disk space,
// whether a port can be bound), so tests can describe any host without touching the real one.
#pragma once

#include <memory>
#include <string>

#include "clusters/result.h"

namespace kc {

class HostProbes {
public:
    virtual ~HostProbes() = default;
    // Small text files: /proc/meminfo, /proc/sys/fs/inotify/*, /etc/nvidia-container-runtime/config.toml.
    virtual Result<std::string> readFile(const std::string& path) = 0;
    // Bytes free for an unprivileged user on the filesystem holding path (statvfs f_bavail).
    virtual Result<unsigned long long> freeDiskBytes(const std::string& path) = 0;
    // Whether a listening socket could be bound to address:port now (TCP or UDP).
    virtual bool portFree(const std::string& address, int port, const std::string& protocol) = 0;
};

std::shared_ptr<HostProbes> systemHostProbes();

}  // namespace kc
