// Result<T>: the one error-carrying return type across kubeclass modules.
// Errors carry a message a user can act on and a kind callers can branch on; no exceptions cross modules.
#pragma once

#include <string>
#include <tl/expected.hpp>
#include <utility>

namespace kc {

enum class ErrorKind {
    Invalid,       // bad input: file, manifest, flag
    NotFound,      // 404 or no such object/entry
    Conflict,      // 409 (SSA conflicts, already exists)
    Unauthorized,  // 401
    Forbidden,     // 403
    Gone,          // 410: resourceVersion or continue token too old
    Timeout,       // a deadline passed
    Unreachable,   // connection refused, reset, DNS, TLS handshake
    Server,        // 5xx and other unexpected server answers
    Cancelled,     // the caller cancelled
    Other,
};

const char* errorKindName(ErrorKind kind);

struct Error {
    ErrorKind kind = ErrorKind::Other;
    std::string message;
    int httpStatus = 0;  // 0 when no HTTP answer was involved

    // Prefixes the message with what was being done, as errors travel up ("reading kubeconfig x: ...").
    Error& context(const std::string& what) {
        message = what + ": " + message;
        return *this;
    }
};

template <typename T>
using Result = tl::expected<T, Error>;

// Status is Result<void> for operations that return nothing on success.
using Status = tl::expected<void, Error>;

inline tl::unexpected<Error> fail(ErrorKind kind, std::string message, int httpStatus = 0) {
    return tl::unexpected<Error>(Error{kind, std::move(message), httpStatus});
}

inline tl::unexpected<Error> fail(Error error) { return tl::unexpected<Error>(std::move(error)); }

inline const char* errorKindName(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Invalid: return "invalid";
        case ErrorKind::NotFound: return "not found";
        case ErrorKind::Conflict: return "conflict";
        case ErrorKind::Unauthorized: return "unauthorized";
        case ErrorKind::Forbidden: return "forbidden";
        case ErrorKind::Gone: return "gone";
        case ErrorKind::Timeout: return "timeout";
        case ErrorKind::Unreachable: return "unreachable";
        case ErrorKind::Server: return "server error";
        case ErrorKind::Cancelled: return "cancelled";
        case ErrorKind::Other: return "error";
    }
    return "error";
}

}  // namespace kc
