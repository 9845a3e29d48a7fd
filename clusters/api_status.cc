// metav1.Status parsing and HTTP code → ErrorKind mapping.
#include "clusters/api_status.h"

namespace kc {

ErrorKind errorKindForHttpStatus(int status) {
    switch (status) {
        case 400:
        case 415:
        case 422: return ErrorKind::Invalid;
        case 401: return ErrorKind::Unauthorized;
        case 403: return ErrorKind::Forbidden;
        case 404: return ErrorKind::NotFound;
        case 409: return ErrorKind::Conflict;
        case 410: return ErrorKind::Gone;
        case 408:
        case 504: return ErrorKind::Timeout;
        default: return status >= 500 || status == 429 ? ErrorKind::Server : ErrorKind::Other;
    }
}

ApiStatus parseApiStatus(const HttpResponse& response) {
    ApiStatus status;
    status.code = response.status;
    Json body = Json::parse(response.body, nullptr, false);
    if (body.is_object() && body.value("kind", "") == "Status") {
        if (body.contains("code") && body["code"].is_number_integer()) status.code = body["code"].get<int>();
        status.reason = body.value("reason", "");
        status.message = body.value("message", "");
        if (body.contains("details") && body["details"].is_object() && body["details"].contains("causes") &&
            body["details"]["causes"].is_array()) {
            for (const auto& cause : body["details"]["causes"]) {
                if (!cause.is_object()) continue;
                std::string field = cause.value("field", "");
                std::string message = cause.value("message", "");
                status.causes.push_back(field.empty() ? message : field + ": " + message);
            }
        }
        return status;
    }
    // Not a Status: keep a short, printable excerpt so a proxy's HTML error page does not flood the message.
    std::string excerpt;
    for (char c : response.body.substr(0, 200)) excerpt += (c >= 32 && c < 127) ? c : ' ';
    status.message = "HTTP " + std::to_string(response.status) + (excerpt.empty() ? "" : ": " + excerpt);
    return status;
}

Error apiError(const HttpResponse& response, const std::string& what) {
    ApiStatus status = parseApiStatus(response);
    std::string message = what + ": " + (status.message.empty() ? "HTTP " + std::to_string(response.status)
                                                                  : status.message);
    if (!status.causes.empty()) {
        message += " (";
        for (size_t i = 0; i < status.causes.size(); ++i) message += (i ? "; " : "") + status.causes[i];
        message += ")";
    }
    return Error{errorKindForHttpStatus(response.status), message, response.status};
}

}  // namespace kc
