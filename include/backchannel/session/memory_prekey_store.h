// A PreKeyStore held in memory: the client loads its prekeys from its
// encrypted store into one of these; tests and benchmarks use it directly.
#ifndef BACKCHANNEL_SESSION_MEMORY_PREKEY_STORE_H_
#define BACKCHANNEL_SESSION_MEMORY_PREKEY_STORE_H_

#include <map>

#include "backchannel/session/prekeys.h"

namespace backchannel::session {

class InMemoryPreKeyStore final : public PreKeyStore {
 public:
  void AddSigned(SignedPreKey key) { signed_[key.id] = std::move(key); }
  void AddOneTime(OneTimePreKey key) { one_time_[key.id] = std::move(key); }
  void RemoveOneTime(std::uint32_t id) { one_time_.erase(id); }
  std::size_t one_time_count() const { return one_time_.size(); }

  const SignedPreKey* FindSignedPreKey(std::uint32_t id) const override {
    auto it = signed_.find(id);
    return it == signed_.end() ? nullptr : &it->second;
  }
  const OneTimePreKey* FindOneTimePreKey(std::uint32_t id) const override {
    auto it = one_time_.find(id);
    return it == one_time_.end() ? nullptr : &it->second;
  }

  // A bundle for this identity with the given prekeys (the one-time prekey is optional).
  PreKeyBundle MakeBundle(const IdentityKeyPair& identity, std::uint32_t registration_id,
                          std::uint32_t signed_id, std::optional<std::uint32_t> one_time_id) const {
    PreKeyBundle b;
    b.registration_id = registration_id;
    const SignedPreKey& spk = signed_.at(signed_id);
    b.signed_pre_key_id = spk.id;
    b.signed_pre_key = spk.key_pair.public_key;
    b.signed_pre_key_signature = spk.signature;
    b.identity_key = identity.public_key;
    if (one_time_id) {
      b.one_time_pre_key_id = one_time_id;
      b.one_time_pre_key = one_time_.at(*one_time_id).key_pair.public_key;
    }
    return b;
  }

 private:
  std::map<std::uint32_t, SignedPreKey> signed_;
  std::map<std::uint32_t, OneTimePreKey> one_time_;
};

}  // namespace backchannel::session

#endif  // BACKCHANNEL_SESSION_MEMORY_PREKEY_STORE_H_
