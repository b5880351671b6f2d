// The sealed row decoders of the local store (client/sealed_row.h): what a
// row's plaintext becomes after it authenticated. The first byte picks the
// layout (authorities, contacts, messages, outbox, pending requests, the
// table digests); the rest is the plaintext. Never a crash; a decoded row
// re-encodes to bytes that decode to the same row.
#include <cstdlib>

#include "client/sealed_row.h"

namespace {

using namespace backchannel;
namespace store = client::store;

template <typename T, typename Dec, typename Enc, typename Same>
void RoundTrip(ByteView in, Dec decode, Enc encode, Same same) {
  auto row = decode(in);
  if (!row) {
    if (row.error().code() != StatusCode::kCorrupt) std::abort();
    return;
  }
  const SecretBytes again_bytes = encode(*row);
  auto again = decode(again_bytes.view());
  if (!again || !same(*row, *again)) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const ByteView in(data + 1, size - 1);
  switch (data[0] % 6) {
    case 0:
      RoundTrip<client::TrustedAuthority>(in, store::DecodeAuthorityRow, store::EncodeAuthorityRow,
                                          [](const auto& a, const auto& b) {
                                            return a.key == b.key && a.label == b.label &&
                                                   a.revocations == b.revocations &&
                                                   a.scoped == b.scoped && a.sides == b.sides &&
                                                   a.roles == b.roles;
                                          });
      break;
    case 1:
      RoundTrip<client::Contact>(
          in, store::DecodeContactRow, store::EncodeContactRow, [](const auto& a, const auto& b) {
            return a.name == b.name && a.identity_key == b.identity_key && a.address == b.address &&
                   a.credential == b.credential && a.session.Equals(b.session) &&
                   a.created_ms == b.created_ms;
          });
      break;
    case 2:
      RoundTrip<client::StoredMessage>(
          in, store::DecodeMessageRow, store::EncodeMessageRow, [](const auto& a, const auto& b) {
            return a.contact == b.contact && a.id == b.id && a.direction == b.direction &&
                   a.time_ms == b.time_ms && a.body == b.body && a.delivery == b.delivery;
          });
      break;
    case 3:
      RoundTrip<client::OutboxEntry>(
          in, store::DecodeOutboxRow, store::EncodeOutboxRow, [](const auto& a, const auto& b) {
            return a.contact == b.contact && a.message_id == b.message_id &&
                   a.envelope == b.envelope && a.attempts == b.attempts &&
                   a.last_error == b.last_error;
          });
      break;
    case 4:
      RoundTrip<client::PendingRequest>(
          in, store::DecodePendingRow, store::EncodePendingRow, [](const auto& a, const auto& b) {
            return a.received_ms == b.received_ms && a.envelope == b.envelope &&
                   a.sender == b.sender && a.display_name == b.display_name;
          });
      break;
    default: {
      auto m = store::DecodeManifest(in);
      if (!m) {
        if (m.error().code() != StatusCode::kCorrupt) std::abort();
        break;
      }
      auto again = store::DecodeManifest(store::EncodeManifest(*m));
      if (!again || *again != *m) std::abort();
      break;
    }
  }
  return 0;
}
