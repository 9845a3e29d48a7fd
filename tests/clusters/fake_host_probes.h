// A HostProbes for tests: files, free space and busy ports as the test describes them.
#pragma once

#include <map>
#include <set>
#include <string>

#include "clusters/host_probes.h"

namespace kc::testing {

class FakeHostProbes final : public HostProbes {
public:
    std::map<std::string, std::string> files;
    std::map<std::string, unsigned long long> freeBytes;  // by path; others NotFound
    std::set<int> busyPorts;

    // A roomy host: 16 GiB available, 100 GiB free on /, generous inotify limits.
    static FakeHostProbes roomy() {
        FakeHostProbes p;
        p.files["/proc/meminfo"] = "MemTotal:       32768000 kB\nMemFree:         1000000 kB\nMemAvailable:   16777216 kB\n";
        p.files["/proc/sys/fs/inotify/max_user_watches"] = "1048576\n";
        p.files["/proc/sys/fs/inotify/max_user_instances"] = "1024\n";
        p.freeBytes["/"] = 100ULL * 1024 * 1024 * 1024;
        return p;
    }

    Result<std::string> readFile(const std::string& path) override {
        auto it = files.find(path);
        if (it == files.end()) return fail(ErrorKind::NotFound, path + ": no such file");
        return it->second;
    }
    Result<unsigned long long> freeDiskBytes(const std::string& path) override {
        auto it = freeBytes.find(path);
        if (it == freeBytes.end()) return fail(ErrorKind::NotFound, path + ": no such file");
        return it->second;
    }
    bool portFree(const std::string&, int port, const std::string&) override { return !busyPorts.count(port); }
};

}  // namespace kc::testing
