// Turns an API server's non-2xx answer into an Error: the body is parsed as a metav1.Status where possible,
// so the message is the server's own ("pods \"web\" not found") and the kind follows the HTTP code.
#pragma once

#include <string>
#include <vector>

#include "clusters/json.h"
#include "clusters/result.h"
#include "clusters/transport.h"

namespace kc {

struct ApiStatus {
    int code = 0;
    std::string reason;   // NotFound, Conflict, Expired, ...
    std::string message;  // the server's words
    std::vector<std::string> causes;  // "field: message" from details.causes
};

// Parses a Status body; falls back to the HTTP code and a bounded excerpt of a non-JSON body.
ApiStatus parseApiStatus(const HttpResponse& response);

ErrorKind errorKindForHttpStatus(int status);

// An Error for a non-2xx response; `what` says what was being done ("getting apps/v1 Deployment web").
Error apiError(const HttpResponse& response, const std::string& what);

}  // namespace kc
