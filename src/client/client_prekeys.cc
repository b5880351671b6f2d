// Our prekeys at the relay: one-time prekeys replenished below the low
// water mark, the signed prekey rotated (docs/client.md, "Signed prekey
// rotation").
#include "client/client_impl.h"

namespace backchannel::client {

Result<session::PreKeyBundle> Client::Impl::BundleBase(std::uint32_t signed_id) const {
  BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
  if (prekeys.FindSignedPreKey(signed_id) == nullptr) {
    return Corrupt("store: the signed prekey is missing");
  }
  return prekeys.MakeBundle(identity.key_pair, identity.registration_id, signed_id, std::nullopt);
}

std::optional<SignedPreKeyInfo> Client::Impl::CurrentSignedPreKey(
    const std::vector<SignedPreKeyInfo>& keys) {
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) {
    if (!it->wiped && it->retired_ms == 0) return *it;
  }
  return std::nullopt;
}

Result<std::uint32_t> Client::Impl::CurrentSignedPreKeyId() const {
  BC_ASSIGN_OR_RETURN(auto keys, store().ListSignedPreKeys());
  auto current = CurrentSignedPreKey(keys);
  if (!current) return Corrupt("store: the signed prekey is missing");
  return current->id;
}

Status Client::Impl::Replenish(std::int64_t remaining, ReceiveReport* report) {
  if (remaining < 0) return Status::Ok();
  // Keys the relay handed out keep their private half for a grace period,
  // then are wiped; refills stop at the cap (docs/client.md, "One-time prekeys").
  BC_RETURN_IF_ERROR(
      store().NoteOneTimePreKeysTaken(static_cast<std::size_t>(remaining), NowMs()).status());
  BC_RETURN_IF_ERROR(store().WipeExpiredOneTimePreKeys(NowMs()).status());
  if (remaining >= c.options_.prekeys_low_water) return Status::Ok();
  BC_ASSIGN_OR_RETURN(std::size_t room, store().OneTimePreKeyRoom());
  const auto count = static_cast<std::uint32_t>(
      std::min<std::int64_t>(static_cast<std::int64_t>(room),
                             std::max<std::int64_t>(1, c.options_.one_time_prekeys - remaining)));
  if (count == 0) return Status::Ok();
  BC_ASSIGN_OR_RETURN(std::uint32_t first, store().NextOneTimePreKeyId());
  auto otks = MakeOneTimePreKeys(first, count);
  BC_ASSIGN_OR_RETURN(std::uint32_t signed_id, CurrentSignedPreKeyId());
  BC_ASSIGN_OR_RETURN(auto base, BundleBase(signed_id));
  BC_RETURN_IF_ERROR(store().PutOneTimePreKeys(otks));
  BC_RETURN_IF_ERROR(OwnRelay().PutPreKeys(base, otks, false));
  if (report) report->replenished = true;
  return Status::Ok();
}

Status Client::Impl::UploadSignedPreKey(std::uint32_t id) {
  BC_ASSIGN_OR_RETURN(auto base, BundleBase(id));
  BC_RETURN_IF_ERROR(OwnRelay().PutPreKeys(base, {}, false));
  return store().PutSetting(kUploadedSignedPreKey, std::to_string(id));
}

Status Client::Impl::MaintainSignedPreKey(bool force, ReceiveReport* report) {
  const std::int64_t now = NowMs();
  const std::int64_t max_age = c.options_.signed_prekey_max_age.count();
  const std::int64_t grace = c.options_.signed_prekey_grace.count();
  BC_ASSIGN_OR_RETURN(auto keys, store().ListSignedPreKeys());
  auto current = CurrentSignedPreKey(keys);
  if (!current) return Corrupt("store: the signed prekey is missing");
  BC_ASSIGN_OR_RETURN(auto at_relay, store().GetSetting(kUploadedSignedPreKey));
  if (!at_relay || *at_relay != std::to_string(current->id)) {
    BC_RETURN_IF_ERROR(UploadSignedPreKey(current->id));
  }
  if (force || current->created_ms == 0 || now - current->created_ms >= max_age) {
    const std::uint32_t id = keys.back().id + 1;  // ids are never reused
    const auto spk = session::GenerateSignedPreKey(identity.key_pair, id);
    const std::uint32_t old_id = current->id;
    BC_RETURN_IF_ERROR(store().Transaction([&] {
      BC_RETURN_IF_ERROR(store().PutSignedPreKey(spk, now));
      return store().RetireSignedPreKey(old_id, now);
    }));
    BC_RETURN_IF_ERROR(UploadSignedPreKey(id));
    if (report) report->signed_prekey_rotated = true;
    BC_ASSIGN_OR_RETURN(keys, store().ListSignedPreKeys());
    current = CurrentSignedPreKey(keys);
    if (!current) return Corrupt("store: the signed prekey is missing");
  }
  std::optional<std::uint32_t> newest_superseded;
  for (const auto& k : keys) {
    if (!k.wiped && k.retired_ms != 0) newest_superseded = k.id;
  }
  std::int64_t next = current->created_ms + max_age;
  for (const auto& k : keys) {
    if (k.wiped || k.retired_ms == 0 || k.id == newest_superseded) continue;
    if (now - k.retired_ms >= grace) {
      BC_RETURN_IF_ERROR(store().WipeSignedPreKey(k.id));
    } else {
      next = std::min(next, k.retired_ms + grace);
    }
  }
  next_maintenance_ms = next;
  return Status::Ok();
}

}  // namespace backchannel::client
