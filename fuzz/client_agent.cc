// The agent's decoders (client/agent_protocol.h): the request an agent reads
// from any process of our uid, and the reply a command reads from whatever
// listens on <home>/agent.sock. Neither may crash, throw or accept bytes that
// do not re-encode to themselves.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "backchannel/client/agent_protocol.h"

using backchannel::ByteView;
using backchannel::client::AgentOp;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const ByteView input(data, size);
  if (auto op = backchannel::client::DecodeAgentRequest(input); op.ok()) {
    const backchannel::Bytes again = backchannel::client::EncodeAgentRequest(*op);
    if (ByteView(again).size() != size || !std::equal(again.begin(), again.end(), data)) {
      std::abort();
    }
  }
  for (AgentOp op : {AgentOp::kKey, AgentOp::kStatus, AgentOp::kStop}) {
    auto reply = backchannel::client::DecodeAgentReply(input, op);
    if (!reply.ok()) continue;
    const backchannel::SecretBytes again = backchannel::client::EncodeAgentReply(*reply);
    if (again.size() != size || !std::equal(again.data(), again.data() + size, data)) {
      std::abort();
    }
  }
  return 0;
}
