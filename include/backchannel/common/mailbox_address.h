// The two values that address a relay mailbox, shared by the relay (which
// keeps them) and the envelope (whose reply address carries them), defined
// once here so neither has to know the other.
//
// MailboxId: 16 random bytes the relay chose; public (it is in URLs).
// DeliveryToken: 32 random bytes that let anyone holding them post to the
// mailbox; a bearer secret, so it has no == (compare with crypto's
// ConstantTimeEqual) and no hash.
#ifndef BACKCHANNEL_COMMON_MAILBOX_ADDRESS_H_
#define BACKCHANNEL_COMMON_MAILBOX_ADDRESS_H_

#include "backchannel/common/fixed_bytes.h"

namespace backchannel {

struct MailboxIdTag {
  static constexpr bool kSecret = false;
};
struct DeliveryTokenTag {
  static constexpr bool kSecret = true;
};

using MailboxId = FixedBytes<16, MailboxIdTag>;
using DeliveryToken = FixedBytes<32, DeliveryTokenTag>;

}  // namespace backchannel

#endif  // BACKCHANNEL_COMMON_MAILBOX_ADDRESS_H_
