// The fake tool script. Rules live as small files under <dir>/<name>.rules/<n>/ so the script stays plain POSIX sh
// and replies can hold any bytes; argv is logged with the ASCII unit separator between arguments.
#include "tests/support/fake_tool.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/support/temp_dir.h"

namespace kc::testing {

namespace {

constexpr char kSep = '\x1f';

std::string joinSep(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args) out += a + kSep;
    return out;
}

std::string shellQuote(const std::string& s) {
    std::string out = "'";
    for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

}  // namespace

std::string joinArgs(const std::vector<std::string>& args) {
    std::string out;
    for (const auto& a : args) out += (out.empty() ? "" : " ") + a;
    return out;
}

FakeTool::FakeTool(const TempDir& dir, std::string name) : name_(std::move(name)), dir_(dir.path()) {
    binDir_ = dir_ + "/bin";
    log_ = dir_ + "/" + name_ + ".calls";
    rulesDir_ = dir_ + "/" + name_ + ".rules";
    dir.write(name_ + ".calls", "");
    dir.write(name_ + ".rules/default/exit", "0\n");
    dir.write(name_ + ".rules/count", "0\n");
    std::string script =
        "#!/bin/sh\n"
        "# Fake " + name_ + " for kubeclass tests: logs argv, answers from the rules folder.\n"
        "RULES=" + shellQuote(rulesDir_) + "\n"
        "SEP=$(printf '\\037')\n"
        "joined=''\n"
        "for a in \"$@\"; do joined=\"$joined$a$SEP\"; done\n"
        "printf '%s\\n' \"$joined\" >> " + shellQuote(log_) + "\n"
        "reply=\"$RULES/default\"\n"
        "n=$(cat \"$RULES/count\")\n"
        "while [ \"$n\" -gt 0 ]; do\n"
        "  n=$((n-1)); d=\"$RULES/$n\"\n"
        "  prefix=$(cat \"$d/prefix\"; printf x); prefix=${prefix%x}\n"
        "  case \"$joined\" in \"$prefix\"*) ;; *) continue;; esac\n"
        "  if [ -f \"$d/times\" ]; then\n"
        "    left=$(cat \"$d/times\"); [ \"$left\" -le 0 ] && continue\n"
        "    echo $((left-1)) > \"$d/times\"\n"
        "  fi\n"
        "  reply=\"$d\"; break\n"
        "done\n"
        "if [ -f \"$reply/tofile\" ]; then\n"
        "  flag=$(cat \"$reply/tofile\"); prev=''\n"
        "  for a in \"$@\"; do [ \"$prev\" = \"$flag\" ] && cat \"$reply/stdout\" > \"$a\"; prev=\"$a\"; done\n"
        "fi\n"
        "if [ -f \"$reply/copyflag\" ]; then\n"
        "  flag=$(cat \"$reply/copyflag\"); prev=''\n"
        "  for a in \"$@\"; do [ \"$prev\" = \"$flag\" ] && cp \"$a\" \"$(cat \"$reply/copyto\")\"; prev=\"$a\"; done\n"
        "fi\n"
        "[ -f \"$reply/stdout\" ] && cat \"$reply/stdout\"\n"
        "[ -f \"$reply/stdoutfile\" ] && cat \"$(cat \"$reply/stdoutfile\")\"\n"
        "[ -f \"$reply/stderr\" ] && cat \"$reply/stderr\" >&2\n"
        "if [ -f \"$reply/sleep\" ]; then\n"
        "  sleep \"$(cat \"$reply/sleep\")\" & child=$!\n"
        "  trap 'kill $child 2>/dev/null; exit 143' TERM INT\n"
        "  wait $child\n"
        "fi\n"
        "exit \"$(cat \"$reply/exit\")\"\n";
    path_ = dir.write("bin/" + name_, script, 0755);
}

void FakeTool::writeRule(const std::string& folder, const std::vector<std::string>& prefix, const FakeReply& reply) const {
    auto put = [&](const std::string& file, const std::string& content) {
        std::ofstream out(folder + "/" + file, std::ios::binary | std::ios::trunc);
        out << content;
    };
    std::filesystem::create_directories(folder);
    put("prefix", joinSep(prefix));
    put("exit", std::to_string(reply.exitCode) + "\n");
    if (!reply.stdoutText.empty() || !reply.stdoutToFileArg.empty()) put("stdout", reply.stdoutText);
    if (!reply.stderrText.empty()) put("stderr", reply.stderrText);
    if (reply.times > 0) put("times", std::to_string(reply.times) + "\n");
    if (!reply.stdoutFile.empty()) put("stdoutfile", reply.stdoutFile);
    if (reply.sleepSeconds > 0) put("sleep", std::to_string(reply.sleepSeconds) + "\n");
    if (!reply.stdoutToFileArg.empty()) put("tofile", reply.stdoutToFileArg);
    if (!reply.copyArgFileFlag.empty()) {
        put("copyflag", reply.copyArgFileFlag);
        put("copyto", reply.copyArgFileTo);
    }
}

FakeTool& FakeTool::on(std::vector<std::string> argvPrefix, FakeReply reply) {
    writeRule(rulesDir_ + "/" + std::to_string(rules_++), argvPrefix, reply);
    std::ofstream(rulesDir_ + "/count", std::ios::trunc) << rules_ << "\n";
    return *this;
}

FakeTool& FakeTool::otherwise(FakeReply reply) {
    std::filesystem::remove_all(rulesDir_ + "/default");
    writeRule(rulesDir_ + "/default", {}, reply);
    return *this;
}

std::vector<std::vector<std::string>> FakeTool::calls() const {
    std::vector<std::vector<std::string>> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> args;
        std::string current;
        for (char c : line) {
            if (c == kSep) {
                args.push_back(current);
                current.clear();
            } else {
                current += c;
            }
        }
        out.push_back(args);
    }
    return out;
}

std::vector<std::vector<std::string>> FakeTool::callsStartingWith(const std::vector<std::string>& prefix) const {
    std::vector<std::vector<std::string>> out;
    for (const auto& call : calls()) {
        if (call.size() < prefix.size()) continue;
        if (std::equal(prefix.begin(), prefix.end(), call.begin())) out.push_back(call);
    }
    return out;
}

std::pair<std::string, std::string> FakeTool::pathEnv() const {
    const char* path = std::getenv("PATH");
    return {"PATH", binDir_ + ":" + (path ? path : "/usr/bin:/bin")};
}

}  // namespace kc::testing
