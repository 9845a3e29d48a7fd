// Base64 encoding and strict decoding, written out here because the rules (padding required, CR/LF ignored)
// must match what kubectl accepts, and the input must never leak into an error.
#include "clusters/base64.h"

#include <array>
#include <cstdint>

namespace kc {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

constexpr std::array<int8_t, 256> decodeTable() {
    std::array<int8_t, 256> table{};
    for (auto& entry : table) entry = -1;
    for (int i = 0; i < 64; ++i) table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<int8_t>(i);
    return table;
}

}  // namespace

std::string base64Encode(std::string_view bytes) {
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 3 <= bytes.size(); i += 3) {
        uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8) |
                     static_cast<uint8_t>(bytes[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    size_t rest = bytes.size() - i;
    if (rest == 1) {
        uint32_t v = static_cast<uint8_t>(bytes[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += "==";
    } else if (rest == 2) {
        uint32_t v = (static_cast<uint8_t>(bytes[i]) << 16) | (static_cast<uint8_t>(bytes[i + 1]) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += '=';
    }
    return out;
}

Result<std::string> base64Decode(std::string_view text) {
    static constexpr auto table = decodeTable();
    std::string out;
    out.reserve(text.size() / 4 * 3);
    uint32_t group = 0;
    int filled = 0;   // sextets in the current group
    int padding = 0;  // '=' seen; once padding starts only more '=' (and line breaks) may follow
    for (size_t pos = 0; pos < text.size(); ++pos) {
        unsigned char c = static_cast<unsigned char>(text[pos]);
        if (c == '\r' || c == '\n') continue;
        if (c == '=') {
            // Padding may only complete a group that already has two or three sextets.
            if (filled + padding < 2) return fail(ErrorKind::Invalid, "illegal base64 data at byte " + std::to_string(pos));
            ++padding;
            if (filled + padding > 4) return fail(ErrorKind::Invalid, "illegal base64 data at byte " + std::to_string(pos));
            if (filled + padding == 4) {
                if (filled == 2) out += static_cast<char>((group >> 4) & 0xFF);
                if (filled == 3) {
                    out += static_cast<char>((group >> 10) & 0xFF);
                    out += static_cast<char>((group >> 2) & 0xFF);
                }
                filled = 0;
                group = 0;
                padding = -100;  // complete: anything after this but line breaks is an error
            }
            continue;
        }
        int8_t value = table[c];
        if (value < 0 || padding != 0) return fail(ErrorKind::Invalid, "illegal base64 data at byte " + std::to_string(pos));
        group = (group << 6) | static_cast<uint32_t>(value);
        if (++filled == 4) {
            out += static_cast<char>((group >> 16) & 0xFF);
            out += static_cast<char>((group >> 8) & 0xFF);
            out += static_cast<char>(group & 0xFF);
            group = 0;
            filled = 0;
        }
    }
    if (padding > 0 || filled != 0)
        return fail(ErrorKind::Invalid, "illegal base64 data: input ends in the middle of a group");
    return out;
}

}  // namespace kc
