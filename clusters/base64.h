// Base64 (RFC 4648 standard alphabet, padded) for kubeconfig *-data fields and the exec plugin's cluster info.
// Decoding is strict like Go's StdEncoding: only line breaks are skipped, and error messages never echo the input.
#pragma once

#include <string>
#include <string_view>

#include "clusters/result.h"

namespace kc {

std::string base64Encode(std::string_view bytes);

// Invalid on a character outside the alphabet, bad padding or a truncated final group. The message says
// where (byte offset) but never what, since the input is usually a key or a certificate.
Result<std::string> base64Decode(std::string_view text);

}  // namespace kc
