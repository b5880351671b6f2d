// Real-sized mailbox ids and delivery tokens for tests, in place of text
// placeholders ("mb", "tok") that no typed field accepts: TestMailboxId(7)
// is the 16 bytes 7, 8, ..., 22, TestDeliveryToken(7) the 32 bytes 7..38.
// A different `tag` gives a different value, so a test can tell two apart;
// the same tag gives the same value, so a test can compare with what it
// stored. The ...For(name) forms hold a name's first bytes (zero-padded), for
// per-contact values. B64u() gives the text a relay URL or a store column
// carries.
//
// Thread safety: pure functions.
#ifndef BACKCHANNEL_TESTS_TESTING_MAILBOX_IDS_H_
#define BACKCHANNEL_TESTS_TESTING_MAILBOX_IDS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "backchannel/common/encoding.h"
#include "backchannel/common/mailbox_address.h"

namespace backchannel::testing {

template <typename Fixed>
Fixed TestFixedBytes(std::uint8_t tag) {
  Fixed out;
  for (std::size_t i = 0; i < Fixed::kSize; ++i) {
    out.mutable_bytes()[i] = static_cast<std::uint8_t>(tag + i);
  }
  return out;
}

inline MailboxId TestMailboxId(std::uint8_t tag) { return TestFixedBytes<MailboxId>(tag); }
inline DeliveryToken TestDeliveryToken(std::uint8_t tag) {
  return TestFixedBytes<DeliveryToken>(tag);
}

template <typename Fixed>
Fixed TestFixedBytesFor(std::string_view name) {
  Fixed out;
  for (std::size_t i = 0; i < Fixed::kSize && i < name.size(); ++i) {
    out.mutable_bytes()[i] = static_cast<std::uint8_t>(name[i]);
  }
  return out;
}

inline MailboxId TestMailboxIdFor(std::string_view name) {
  return TestFixedBytesFor<MailboxId>(name);
}
inline DeliveryToken TestDeliveryTokenFor(std::string_view name) {
  return TestFixedBytesFor<DeliveryToken>(name);
}

template <std::size_t N, typename Tag>
std::string B64u(const FixedBytes<N, Tag>& value) {
  return ToBase64(value, Base64Variant::kUrlSafeNoPadding);
}

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_TESTING_MAILBOX_IDS_H_
