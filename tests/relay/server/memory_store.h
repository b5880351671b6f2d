// A Store kept in memory, for router tests before (and besides) the SQLite
// store. Same contract as store.h; one mutex guards everything.
#ifndef BACKCHANNEL_TESTS_RELAY_SERVER_MEMORY_STORE_H_
#define BACKCHANNEL_TESTS_RELAY_SERVER_MEMORY_STORE_H_

#include <algorithm>
#include <map>
#include <mutex>
#include <set>

#include "backchannel/relay/store.h"

namespace backchannel::relay::testing {

class MemoryStore final : public Store {
 public:
  Status CreateMailbox(const MailboxRecord& m) override {
    std::lock_guard<std::mutex> l(mu_);
    if (boxes_.count(m.id)) return {StatusCode::kAlreadyExists, "exists"};
    boxes_[m.id].rec = m;
    return {};
  }
  Result<MailboxRecord> GetMailbox(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    return b->rec;
  }
  Status SetDeliveryToken(const MailboxId& id, const TokenHash& h) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    b->rec.delivery_token_hash = h;
    return {};
  }
  Status PutPreKeys(const MailboxId& id, ByteView base, const std::vector<OneTimePreKeyRecord>& ot,
                    bool replace) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    b->base = ToBytes(base);
    if (replace) b->one_time.clear();
    for (const auto& k : ot) b->one_time[k.id] = k.key;
    return {};
  }
  Result<Bytes> GetBundleBase(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b || b->base.empty()) return NotFound("no bundle");
    return b->base;
  }
  Result<std::optional<OneTimePreKeyRecord>> TakeOneTimePreKey(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    if (b->one_time.empty()) return std::optional<OneTimePreKeyRecord>();
    auto it = b->one_time.begin();
    OneTimePreKeyRecord r{it->first, it->second};
    b->one_time.erase(it);
    return std::optional<OneTimePreKeyRecord>(r);
  }
  Result<std::size_t> CountOneTimePreKeys(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    return b->one_time.size();
  }
  Status AppendMessage(const MailboxId& id, const StoredMessage& m,
                       const QueueLimits& limits) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    std::uint64_t box_bytes = 0;
    std::uint64_t total_bytes = 0;
    for (auto& [other_id, other] : boxes_) {
      for (const auto& q : other.messages) {
        total_bytes += q.envelope.size();
        if (other_id == id) box_bytes += q.envelope.size();
      }
    }
    if (b->messages.size() >= limits.max_messages ||
        box_bytes + m.envelope.size() > limits.max_mailbox_bytes) {
      return {StatusCode::kResourceExhausted, "full"};
    }
    if (total_bytes + m.envelope.size() > limits.max_total_bytes) {
      return {StatusCode::kUnavailable, "storage full"};
    }
    b->messages.push_back(m);
    return {};
  }
  Status DeleteMailbox(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    return boxes_.erase(id) == 1 ? Status() : NotFound("no mailbox");
  }
  Status TouchMailbox(const MailboxId& id, std::int64_t seen_ms) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    b->rec.seen_ms = seen_ms;
    return {};
  }
  Result<IdleDeletion> DeleteIdleMailboxes(std::int64_t cutoff_ms) override {
    std::lock_guard<std::mutex> l(mu_);
    IdleDeletion d;
    std::erase_if(boxes_, [&](const auto& kv) {
      if (kv.second.rec.seen_ms >= cutoff_ms) return false;
      ++d.mailboxes;
      d.messages += kv.second.messages.size();
      return true;
    });
    return d;
  }
  Status Compact() override { return {}; }
  Status Ping() override { return {}; }
  Result<std::vector<StoredMessage>> ListMessages(const MailboxId& id, std::size_t limit) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    std::vector<StoredMessage> out(b->messages.begin(),
                                   b->messages.begin() + std::min(limit, b->messages.size()));
    return out;
  }
  Status DeleteMessage(const MailboxId& id, const MessageId& m) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    auto it = std::find_if(b->messages.begin(), b->messages.end(),
                           [&](const StoredMessage& s) { return s.id == m; });
    if (it == b->messages.end()) return NotFound("no message");
    b->messages.erase(it);
    return {};
  }
  Result<std::size_t> CountMessages(const MailboxId& id) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    return b->messages.size();
  }
  Result<std::size_t> ExpireMessages(std::int64_t cutoff) override {
    std::lock_guard<std::mutex> l(mu_);
    std::size_t n = 0;
    for (auto& [id, b] : boxes_) {
      n +=
          std::erase_if(b.messages, [&](const StoredMessage& s) { return s.received_ms < cutoff; });
    }
    return n;
  }
  Result<std::size_t> CountAllMessages() override {
    std::lock_guard<std::mutex> l(mu_);
    std::size_t n = 0;
    for (auto& [id, b] : boxes_) n += b.messages.size();
    return n;
  }
  Status RecordNonce(const MailboxId& id, ByteView nonce, std::int64_t /*now*/,
                     std::int64_t /*forget*/) override {
    std::lock_guard<std::mutex> l(mu_);
    auto* b = Find(id);
    if (!b) return NotFound("no mailbox");
    if (!b->nonces.insert(ToBytes(nonce)).second) return {StatusCode::kAlreadyExists, "seen"};
    return {};
  }

 private:
  struct Box {
    MailboxRecord rec;
    Bytes base;
    std::map<std::uint32_t, Bytes> one_time;
    std::vector<StoredMessage> messages;
    std::set<Bytes> nonces;
  };
  Box* Find(const MailboxId& id) {
    auto it = boxes_.find(id);
    return it == boxes_.end() ? nullptr : &it->second;
  }
  std::mutex mu_;
  std::map<MailboxId, Box> boxes_;
};

}  // namespace backchannel::relay::testing

#endif  // BACKCHANNEL_TESTS_RELAY_SERVER_MEMORY_STORE_H_
