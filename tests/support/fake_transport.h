// Test fakes for the HTTP seam: a Transport answered by a scripted function and a token sequence, for exact
// retry, 401 and watch-sequence tests that need no server.
#pragma once

#include <functional>
#include <mutex>
#include <string>
#include <vector>

#include "clusters/credentials.h"
#include "clusters/transport.h"
#include "tests/support/fake_clock.h"

namespace kc::testing {

// A scripted answer: a response (or error) and, for streams, the lines of its body.
struct FakeAnswer {
    Result<HttpResponse> response;
    std::vector<std::string> lines;
};

class FakeTransport final : public Transport {
public:
    using Handler = std::function<FakeAnswer(const HttpRequest&)>;
    explicit FakeTransport(Handler handler) : handler_(std::move(handler)) {}

    Result<HttpResponse> send(const HttpRequest& request) override;
    Result<HttpResponse> stream(const HttpRequest& request,
                                const std::function<bool(std::string_view)>& onLine) override;

    std::vector<HttpRequest> requests() const;

private:
    Handler handler_;
    mutable std::mutex mutex_;
    std::vector<HttpRequest> requests_;
};

// A factory handing out one shared FakeTransport, so the test keeps a handle on it.
TransportFactory fakeTransportFactory(std::shared_ptr<FakeTransport> transport);

HttpResponse jsonResponse(int status, const std::string& body);
// A metav1.Status body with the given code and reason.
HttpResponse statusResponse(int code, const std::string& reason, const std::string& message);

// Tokens handed out in order; counts invalidations.
class SequenceCredentials final : public CredentialSource {
public:
    explicit SequenceCredentials(std::vector<std::string> tokens) : tokens_(std::move(tokens)) {}
    Result<Credentials> current() override;
    bool invalidateAfterUnauthorized() override;
    int invalidations() const { return invalidations_; }

private:
    std::vector<std::string> tokens_;
    size_t index_ = 0;
    int invalidations_ = 0;
};

}  // namespace kc::testing
