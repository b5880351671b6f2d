// TEST AND BENCHMARK CODE ONLY (links libolm).
#include "interop/reference/olm_peer.h"

#include <olm/olm.h>
#include <sodium.h>

#include <cstdlib>
#include <nlohmann/json.hpp>
#include <vector>

namespace backchannel::interop {
namespace {

// Random bytes for olm calls that ask for them; wiped on destruction.
class RandomBuffer {
 public:
  explicit RandomBuffer(std::size_t n) : bytes_(n) {
    if (n != 0) randombytes_buf(bytes_.data(), n);
  }
  ~RandomBuffer() { sodium_memzero(bytes_.data(), bytes_.size()); }
  RandomBuffer(const RandomBuffer&) = delete;
  RandomBuffer& operator=(const RandomBuffer&) = delete;
  void* data() { return bytes_.empty() ? nullptr : bytes_.data(); }
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<uint8_t> bytes_;
};

Status OlmFailure(std::string_view what, const char* detail) {
  std::string message(what);
  message += ": ";
  message += detail != nullptr ? detail : "unknown olm error";
  return Internal(message);
}

}  // namespace

// ---------------------------------------------------------------------------
// OlmSessionHandle

OlmSessionHandle::OlmSessionHandle(OlmSession* session, void* memory)
    : session_(session), memory_(memory) {}

OlmSessionHandle::~OlmSessionHandle() {
  olm_clear_session(session_);
  std::free(memory_);  // NOLINT(cppcoreguidelines-no-malloc): olm wants raw memory
}

Result<OlmMessage> OlmSessionHandle::Encrypt(ByteView plaintext) {
  OlmMessage message;
  message.type = olm_encrypt_message_type(session_);
  if (message.type == olm_error())
    return OlmFailure("olm_encrypt_message_type", olm_session_last_error(session_));
  RandomBuffer random(olm_encrypt_random_length(session_));
  message.body.resize(olm_encrypt_message_length(session_, plaintext.size()));
  std::size_t n = olm_encrypt(session_, plaintext.data(), plaintext.size(), random.data(),
                              random.size(), message.body.data(), message.body.size());
  if (n == olm_error()) return OlmFailure("olm_encrypt", olm_session_last_error(session_));
  message.body.resize(n);
  return message;
}

Result<Bytes> OlmSessionHandle::Decrypt(const OlmMessage& message) {
  // The base64 text is decoded in place, so work on a copy. The plaintext is
  // shorter than the base64 text, which bounds the output buffer.
  std::string scratch = message.body;
  Bytes plaintext(message.body.size());
  std::size_t n = olm_decrypt(session_, message.type, scratch.data(), scratch.size(),
                              plaintext.data(), plaintext.size());
  if (n == olm_error()) return OlmFailure("olm_decrypt", olm_session_last_error(session_));
  plaintext.resize(n);
  return plaintext;
}

// ---------------------------------------------------------------------------
// OlmPeer

OlmPeer::OlmPeer(OlmAccount* account, void* memory) : account_(account), memory_(memory) {}

OlmPeer::~OlmPeer() {
  olm_clear_account(account_);
  std::free(memory_);  // NOLINT(cppcoreguidelines-no-malloc)
}

Result<std::unique_ptr<OlmPeer>> OlmPeer::Create() {
  if (sodium_init() < 0) return Internal("sodium_init failed");
  void* memory = std::malloc(olm_account_size());  // NOLINT(cppcoreguidelines-no-malloc)
  if (memory == nullptr) return Status(StatusCode::kResourceExhausted, "olm_account_size");
  OlmAccount* account = olm_account(memory);
  std::unique_ptr<OlmPeer> peer(new OlmPeer(account, memory));
  RandomBuffer random(olm_create_account_random_length(account));
  if (olm_create_account(account, random.data(), random.size()) == olm_error()) {
    return OlmFailure("olm_create_account", olm_account_last_error(account));
  }
  std::string keys(olm_account_identity_keys_length(account), '\0');
  std::size_t n = olm_account_identity_keys(account, keys.data(), keys.size());
  if (n == olm_error())
    return OlmFailure("olm_account_identity_keys", olm_account_last_error(account));
  keys.resize(n);
  auto json = nlohmann::json::parse(keys, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("curve25519") || !json["curve25519"].is_string()) {
    return Internal("olm_account_identity_keys: unexpected JSON " + keys);
  }
  peer->identity_curve25519_ = json["curve25519"].get<std::string>();
  return peer;
}

Result<std::string> OlmPeer::NewOneTimeKey() {
  RandomBuffer random(olm_account_generate_one_time_keys_random_length(account_, 1));
  if (olm_account_generate_one_time_keys(account_, 1, random.data(), random.size()) ==
      olm_error()) {
    return OlmFailure("olm_account_generate_one_time_keys", olm_account_last_error(account_));
  }
  std::string keys(olm_account_one_time_keys_length(account_), '\0');
  std::size_t n = olm_account_one_time_keys(account_, keys.data(), keys.size());
  if (n == olm_error())
    return OlmFailure("olm_account_one_time_keys", olm_account_last_error(account_));
  keys.resize(n);
  // {"curve25519":{"<key id>":"<base64 key>", ...}}: only unpublished keys are
  // listed, and every earlier key was marked published, so there is one.
  auto json = nlohmann::json::parse(keys, nullptr, /*allow_exceptions=*/false);
  if (!json.is_object() || !json.contains("curve25519") || !json["curve25519"].is_object() ||
      json["curve25519"].size() != 1 || !json["curve25519"].begin()->is_string()) {
    return Internal("olm_account_one_time_keys: unexpected JSON " + keys);
  }
  std::string key = json["curve25519"].begin()->get<std::string>();
  olm_account_mark_keys_as_published(account_);
  return key;
}

Result<std::unique_ptr<OlmSessionHandle>> OlmPeer::CreateOutbound(
    std::string_view their_identity_key, std::string_view their_one_time_key) {
  void* memory = std::malloc(olm_session_size());  // NOLINT(cppcoreguidelines-no-malloc)
  if (memory == nullptr) return Status(StatusCode::kResourceExhausted, "olm_session_size");
  std::unique_ptr<OlmSessionHandle> handle(new OlmSessionHandle(olm_session(memory), memory));
  RandomBuffer random(olm_create_outbound_session_random_length(handle->session_));
  if (olm_create_outbound_session(handle->session_, account_, their_identity_key.data(),
                                  their_identity_key.size(), their_one_time_key.data(),
                                  their_one_time_key.size(), random.data(),
                                  random.size()) == olm_error()) {
    return OlmFailure("olm_create_outbound_session", olm_session_last_error(handle->session_));
  }
  return handle;
}

Result<std::unique_ptr<OlmSessionHandle>> OlmPeer::CreateInbound(
    const OlmMessage& pre_key_message) {
  if (pre_key_message.type != OlmMessage::kPreKeyType) {
    return InvalidArgument("olm_create_inbound_session needs a pre-key message (type 0)");
  }
  void* memory = std::malloc(olm_session_size());  // NOLINT(cppcoreguidelines-no-malloc)
  if (memory == nullptr) return Status(StatusCode::kResourceExhausted, "olm_session_size");
  std::unique_ptr<OlmSessionHandle> handle(new OlmSessionHandle(olm_session(memory), memory));
  std::string scratch = pre_key_message.body;  // decoded in place
  if (olm_create_inbound_session(handle->session_, account_, scratch.data(), scratch.size()) ==
      olm_error()) {
    return OlmFailure("olm_create_inbound_session", olm_session_last_error(handle->session_));
  }
  if (olm_remove_one_time_keys(account_, handle->session_) == olm_error()) {
    return OlmFailure("olm_remove_one_time_keys", olm_account_last_error(account_));
  }
  return handle;
}

// ---------------------------------------------------------------------------
// OlmPair

Result<OlmPair> OlmPair::Establish() {
  OlmPair pair;
  BC_ASSIGN_OR_RETURN(pair.alice, OlmPeer::Create());
  BC_ASSIGN_OR_RETURN(pair.bob, OlmPeer::Create());
  BC_ASSIGN_OR_RETURN(std::string one_time_key, pair.bob->NewOneTimeKey());
  BC_ASSIGN_OR_RETURN(pair.alice_session,
                      pair.alice->CreateOutbound(pair.bob->identity_key(), one_time_key));
  static constexpr std::string_view kHello = "hello bob";
  BC_ASSIGN_OR_RETURN(OlmMessage first, pair.alice_session->Encrypt(AsBytes(kHello)));
  BC_ASSIGN_OR_RETURN(pair.bob_session, pair.bob->CreateInbound(first));
  BC_ASSIGN_OR_RETURN(Bytes got, pair.bob_session->Decrypt(first));
  if (!PublicEqual(got, AsBytes(kHello))) return Internal("olm first message mismatch");
  // A reply turns Alice's further messages into normal (type 1) messages.
  BC_RETURN_IF_ERROR(pair.Roundtrip(/*alice_sends=*/false, AsBytes("hello alice")));
  return pair;
}

Status OlmPair::Roundtrip(bool alice_sends, ByteView plaintext) {
  OlmSessionHandle& sender = alice_sends ? *alice_session : *bob_session;
  OlmSessionHandle& receiver = alice_sends ? *bob_session : *alice_session;
  BC_ASSIGN_OR_RETURN(OlmMessage message, sender.Encrypt(plaintext));
  BC_ASSIGN_OR_RETURN(Bytes got, receiver.Decrypt(message));
  if (!PublicEqual(got, plaintext)) return Internal("olm round trip: plaintext mismatch");
  return Status::Ok();
}

}  // namespace backchannel::interop
