// Helpers that keep secrets (tokens, keys, passwords, *-data contents) out of every message kubeclass shows.
// Two defences: scrub the exact secret values we know about, and blank anything that merely looks like one.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace kc {

inline constexpr std::string_view kRedacted = "[redacted]";

// Replaces every occurrence of each known secret in text. Secrets shorter than 4 bytes are skipped: blanking
// every "a" in a message would hide more than it protects.
std::string redactKnownSecrets(std::string text, const std::vector<std::string>& secrets);

// Blanks what looks like a credential in free text from a program we do not control (an exec plugin's
// stderr): PEM blocks, JWTs, "Bearer x", token/password/secret/key = or : values, and long base64 or hex runs.
std::string redactTokenLike(std::string_view text);

// At most maxBytes of text, cut at a line break where possible, with a note of how much was left out.
std::string boundedForMessage(std::string_view text, size_t maxBytes);

}  // namespace kc
