#include "backchannel/client/agent_protocol.h"

#include <algorithm>
#include <array>

namespace backchannel::client {
namespace {

constexpr std::array<std::uint8_t, 4> kRequestMagic = {'b', 'c', 'a', 'q'};
constexpr std::array<std::uint8_t, 4> kReplyMagic = {'b', 'c', 'a', 'r'};
constexpr std::size_t kStatusPayloadSize = 4 + 8;

bool HasMagic(ByteView bytes, const std::array<std::uint8_t, 4>& magic) {
  return bytes.size() >= magic.size() && std::equal(magic.begin(), magic.end(), bytes.begin());
}

bool IsOp(std::uint8_t b) {
  return b == static_cast<std::uint8_t>(AgentOp::kKey) ||
         b == static_cast<std::uint8_t>(AgentOp::kStatus) ||
         b == static_cast<std::uint8_t>(AgentOp::kStop);
}

std::size_t PayloadSize(AgentOp op) {
  switch (op) {
    case AgentOp::kKey:
      return crypto::kKdfKeySize;
    case AgentOp::kStatus:
      return kStatusPayloadSize;
    case AgentOp::kStop:
      return 0;
  }
  return 0;
}

SecretBytes Header(std::uint8_t op, AgentResult result, std::size_t length) {
  SecretBytes out(kAgentReplyHeaderSize + length);
  std::copy(kReplyMagic.begin(), kReplyMagic.end(), out.data());
  out.data()[4] = kAgentProtocolVersion;
  out.data()[5] = op;
  out.data()[6] = static_cast<std::uint8_t>(result);
  out.data()[7] = static_cast<std::uint8_t>(length);
  return out;
}

}  // namespace

Bytes EncodeAgentRequest(AgentOp op) {
  Bytes out(kRequestMagic.begin(), kRequestMagic.end());
  out.push_back(kAgentProtocolVersion);
  out.push_back(static_cast<std::uint8_t>(op));
  out.push_back(0);
  out.push_back(0);
  return out;
}

Result<AgentOp> DecodeAgentRequest(ByteView bytes) {
  if (bytes.size() != kAgentRequestSize || !HasMagic(bytes, kRequestMagic)) {
    return InvalidMessage("agent request: not an agent request");
  }
  if (bytes[4] != kAgentProtocolVersion) {
    return Status(StatusCode::kUnsupportedVersion, "agent request: unknown version");
  }
  if (!IsOp(bytes[5])) return InvalidMessage("agent request: unknown operation");
  if (bytes[6] != 0 || bytes[7] != 0) return InvalidMessage("agent request: reserved bytes set");
  return static_cast<AgentOp>(bytes[5]);
}

SecretBytes EncodeAgentReply(const AgentReply& reply) {
  const std::size_t length =
      reply.result == AgentResult::kOk ? PayloadSize(reply.op) : std::size_t{0};
  SecretBytes out = Header(static_cast<std::uint8_t>(reply.op), reply.result, length);
  if (reply.result != AgentResult::kOk) return out;
  std::uint8_t* p = out.data() + kAgentReplyHeaderSize;
  if (reply.op == AgentOp::kKey) {
    std::copy(reply.key.data(), reply.key.data() + crypto::kKdfKeySize, p);
  } else if (reply.op == AgentOp::kStatus) {
    for (int i = 0; i < 4; ++i) p[i] = static_cast<std::uint8_t>(reply.status.pid >> (8 * i));
    for (int i = 0; i < 8; ++i) {
      p[4 + i] = static_cast<std::uint8_t>(reply.status.idle_left_ms >> (8 * i));
    }
  }
  return out;
}

SecretBytes EncodeAgentBadRequest() { return Header(0, AgentResult::kBadRequest, 0); }

Result<AgentReply> DecodeAgentReply(ByteView bytes, AgentOp expected) {
  if (bytes.size() < kAgentReplyHeaderSize || !HasMagic(bytes, kReplyMagic)) {
    return InvalidMessage("agent reply: not an agent reply");
  }
  if (bytes[4] != kAgentProtocolVersion) {
    return Status(StatusCode::kUnsupportedVersion, "agent reply: unknown version");
  }
  const std::size_t length = bytes[7];
  if (bytes.size() != kAgentReplyHeaderSize + length) {
    return InvalidMessage("agent reply: length does not match");
  }
  if (bytes[6] == static_cast<std::uint8_t>(AgentResult::kBadRequest)) {
    if (length != 0) return InvalidMessage("agent reply: a refusal carries no payload");
    return InvalidArgument("the agent refused the request");
  }
  if (bytes[6] != static_cast<std::uint8_t>(AgentResult::kOk)) {
    return InvalidMessage("agent reply: unknown result");
  }
  if (bytes[5] != static_cast<std::uint8_t>(expected)) {
    return InvalidMessage("agent reply: answers another operation");
  }
  if (length != PayloadSize(expected)) return InvalidMessage("agent reply: wrong payload size");
  AgentReply reply;
  reply.op = expected;
  const ByteView payload = bytes.subspan(kAgentReplyHeaderSize);
  if (expected == AgentOp::kKey) {
    reply.key.Assign(payload);
  } else if (expected == AgentOp::kStatus) {
    for (int i = 3; i >= 0; --i) reply.status.pid = (reply.status.pid << 8) | payload[i];
    for (int i = 7; i >= 0; --i) {
      reply.status.idle_left_ms = (reply.status.idle_left_ms << 8) | payload[4 + i];
    }
  }
  return reply;
}

}  // namespace backchannel::client
