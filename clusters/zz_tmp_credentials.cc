#include "clusters/credentials.h"
namespace kc {
namespace { struct Fixed : CredentialSource { std::string t; Result<Credentials> current() override { Credentials c; c.bearerToken = t; return c; } bool invalidateAfterUnauthorized() override { return false; } }; }
std::shared_ptr<CredentialSource> noCredentials() { return std::make_shared<Fixed>(); }
std::shared_ptr<CredentialSource> staticToken(std::string token) { auto f = std::make_shared<Fixed>(); f->t = token; return f; }
}
