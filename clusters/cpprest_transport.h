// The cpprestsdk (Boost.Asio + OpenSSL) implementation of Transport: how kubeclass speaks HTTPS to API servers,
// with in-memory kubeconfig TLS material, per-request timeouts and cancellation, and line-by-line watch bodies.
#pragma once

#include <cstddef>
#include <memory>

#include "clusters/result.h"
#include "clusters/transport.h"

namespace kc {

// Bounds on what one answer may cost in memory; beyond them the request fails instead of growing without limit.
inline constexpr std::size_t kMaxResponseBodyBytes = std::size_t{256} << 20;  // send(), and stream()'s non-2xx body
inline constexpr std::size_t kMaxStreamLineBytes = std::size_t{16} << 20;     // one line of a stream()

// Builds a transport for one server. Fails with Invalid when the server URL or the TLS material is unusable
// (the message names the field, never its content). One transport keeps one HTTP client, so connections are
// pooled, and send()/stream() may be called from several threads at once.
//
// Timeouts: send() bounds the whole request by HttpRequest::timeout; stream() bounds the silence before the
// response head and between body bytes by it; a new TLS connection must finish its handshake within
// TransportConfig::connectTimeout. A timeout <= 0 means no bound. HttpRequest::cancel is polled every 20 ms.
Result<std::unique_ptr<Transport>> makeCpprestTransport(const TransportConfig& config);

TransportFactory cpprestTransportFactory();

}  // namespace kc
