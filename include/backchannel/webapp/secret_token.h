// Random tokens of the web app (the URL token, session cookies): 32 bytes
// from libsodium (crypto::RandomBytes), as base64url without padding, and a
// constant-time comparison of two of them (crypto::ConstantTimeEqual, i.e.
// sodium_memcmp), so a peer cannot learn a token byte by byte from timing.
#ifndef BACKCHANNEL_WEBAPP_SECRET_TOKEN_H_
#define BACKCHANNEL_WEBAPP_SECRET_TOKEN_H_

#include <string>
#include <string_view>

namespace backchannel::webapp {

inline constexpr std::size_t kTokenBytes = 32;
inline constexpr std::size_t kTokenTextSize = 43;  // base64url of 32 bytes, no padding

std::string NewToken();
// 16 hex digits from 8 random bytes: the instance's name in its cookie.
std::string NewInstanceId();
// Constant time in the contents (the lengths are public: always 43 here).
bool SameToken(std::string_view a, std::string_view b);
// Overwrites a token's bytes before it is dropped.
void WipeToken(std::string& token);

}  // namespace backchannel::webapp

#endif  // BACKCHANNEL_WEBAPP_SECRET_TOKEN_H_
