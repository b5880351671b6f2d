// One JSON object kept as an app value of the feelers (overlap and zone
// records): read, parse, wipe the plaintext bytes. Internal to
// src/feelers_client.
#ifndef BACKCHANNEL_SRC_FEELERS_CLIENT_STORED_JSON_H_
#define BACKCHANNEL_SRC_FEELERS_CLIENT_STORED_JSON_H_

#include <nlohmann/json.hpp>
#include <string>

#include "backchannel/client/app_store.h"
#include "backchannel/common/result.h"
#include "backchannel/crypto/secret_bytes.h"

namespace backchannel::feelers_client {

// A null Json when the key holds nothing; kCorrupt when it holds anything
// but a JSON object.
inline Result<nlohmann::ordered_json> ReadStoredJson(client::AppStore& store,
                                                     const std::string& key) {
  BC_ASSIGN_OR_RETURN(auto value, store.Get(key));
  if (!value) return nlohmann::ordered_json();
  auto j = nlohmann::ordered_json::parse(value->begin(), value->end(), nullptr, false);
  SecureWipe(value->data(), value->size());
  if (j.is_discarded() || !j.is_object()) return Corrupt("feelers: malformed " + key);
  return j;
}

}  // namespace backchannel::feelers_client

#endif  // BACKCHANNEL_SRC_FEELERS_CLIENT_STORED_JSON_H_
