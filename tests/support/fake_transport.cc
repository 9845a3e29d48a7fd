// Scripted transport and token sequence for client tests.
#include "tests/support/fake_transport.h"

namespace kc::testing {

Result<HttpResponse> FakeTransport::send(const HttpRequest& request) {
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
    }
    FakeAnswer answer = handler_(request);
    if (answer.response && !answer.lines.empty()) {
        for (const auto& line : answer.lines) answer.response->body += line + "\n";
    }
    return answer.response;
}

Result<HttpResponse> FakeTransport::stream(const HttpRequest& request,
                                           const std::function<bool(std::string_view)>& onLine) {
    {
        std::lock_guard lock(mutex_);
        requests_.push_back(request);
    }
    FakeAnswer answer = handler_(request);
    if (!answer.response || answer.response->status / 100 != 2) return answer.response;
    for (const auto& line : answer.lines)
        if (!onLine(line)) break;
    return answer.response;
}

std::vector<HttpRequest> FakeTransport::requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
}

TransportFactory fakeTransportFactory(std::shared_ptr<FakeTransport> transport) {
    return [transport](const TransportConfig&) -> Result<std::unique_ptr<Transport>> {
        // Each call wraps the same scripted transport so the test can inspect what was sent.
        class Forwarder final : public Transport {
        public:
            explicit Forwarder(std::shared_ptr<FakeTransport> inner) : inner_(std::move(inner)) {}
            Result<HttpResponse> send(const HttpRequest& r) override { return inner_->send(r); }
            Result<HttpResponse> stream(const HttpRequest& r,
                                        const std::function<bool(std::string_view)>& onLine) override {
                return inner_->stream(r, onLine);
            }

        private:
            std::shared_ptr<FakeTransport> inner_;
        };
        return std::unique_ptr<Transport>(new Forwarder(transport));
    };
}

HttpResponse jsonResponse(int status, const std::string& body) {
    HttpResponse response;
    response.status = status;
    response.headers["content-type"] = "application/json";
    response.body = body;
    return response;
}

HttpResponse statusResponse(int code, const std::string& reason, const std::string& message) {
    return jsonResponse(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"message\":\"" +
                                  message + "\",\"reason\":\"" + reason + "\",\"code\":" + std::to_string(code) + "}");
}

Result<Credentials> SequenceCredentials::current() {
    Credentials credentials;
    credentials.bearerToken = tokens_.at(std::min(index_, tokens_.size() - 1));
    return credentials;
}

bool SequenceCredentials::invalidateAfterUnauthorized() {
    ++invalidations_;
    if (index_ + 1 >= tokens_.size()) return false;
    ++index_;
    return true;
}

}  // namespace kc::testing
