// The bytes an agent (client/agent.h) and its callers exchange on the
// agent's unix socket: one fixed-size request per connection, one short
// reply, then the agent closes the connection.
//
// Request, exactly kAgentRequestSize (8) bytes:
//   "bcaq" | version (1) | op (1: key, 2: status, 3: stop) | 0x00 0x00
// Reply, kAgentReplyHeaderSize (8) bytes then `length` bytes of payload:
//   "bcar" | version (1) | op (echoed; 0 when the request did not decode) |
//   result (0: ok, 1: bad request) | length (1)
//   payload of an ok reply: key: the 32-byte store key; status: pid (u32
//   little-endian) then the milliseconds left before the idle timeout (u64
//   little-endian); stop: nothing. A bad-request reply has no payload.
// Every field is checked on decode; anything else (short, long, another
// magic, version, op, result or length) is kInvalidMessage. The format is
// ours (no spec to cite): small and fixed so the decoder has no state to get
// wrong. Fuzzed by fuzz/client_agent.cc.
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_CLIENT_AGENT_PROTOCOL_H_
#define BACKCHANNEL_CLIENT_AGENT_PROTOCOL_H_

#include <cstddef>
#include <cstdint>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/password_kdf.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::client {

enum class AgentOp : std::uint8_t { kKey = 1, kStatus = 2, kStop = 3 };
enum class AgentResult : std::uint8_t { kOk = 0, kBadRequest = 1 };

inline constexpr std::uint8_t kAgentProtocolVersion = 1;
inline constexpr std::size_t kAgentRequestSize = 8;
inline constexpr std::size_t kAgentReplyHeaderSize = 8;
inline constexpr std::size_t kAgentMaxReplySize = kAgentReplyHeaderSize + crypto::kKdfKeySize;

Bytes EncodeAgentRequest(AgentOp op);
Result<AgentOp> DecodeAgentRequest(ByteView bytes);

struct AgentStatusInfo {
  std::uint32_t pid = 0;
  std::uint64_t idle_left_ms = 0;
};

// One reply. `key` is set only for an ok reply to kKey, `status` only for an
// ok reply to kStatus.
struct AgentReply {
  AgentOp op = AgentOp::kKey;
  AgentResult result = AgentResult::kOk;
  SecretArray<crypto::kKdfKeySize> key;
  AgentStatusInfo status;
};

// The reply holds the key for kKey, so it is encoded into SecretBytes.
SecretBytes EncodeAgentReply(const AgentReply& reply);
SecretBytes EncodeAgentBadRequest();
// Decodes a reply to a request for `expected`: kInvalidMessage when the
// bytes are malformed or answer another op; a well-formed bad-request reply
// is kInvalidArgument "the agent refused the request".
Result<AgentReply> DecodeAgentReply(ByteView bytes, AgentOp expected);

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_AGENT_PROTOCOL_H_
