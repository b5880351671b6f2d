// Moved to backchannel/crypto/secret_bytes.h: its implementation calls libsodium, and
// only the crypto part may. This forwarding header keeps existing includes
// compiling; a target that includes it links backchannel::crypto. New code
// includes the crypto header.
#ifndef BACKCHANNEL_COMMON_SECRET_BYTES_H_
#define BACKCHANNEL_COMMON_SECRET_BYTES_H_

#include "backchannel/crypto/secret_bytes.h"  // IWYU pragma: export

#endif  // BACKCHANNEL_COMMON_SECRET_BYTES_H_
