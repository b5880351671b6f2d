// The talks service core: persistence of the record, the handler, sending
// with fan-out and the outbox, and the reactor (service.h).
#include "backchannel/talks_client/service.h"

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>

#include "backchannel/common/encoding.h"
#include "backchannel/identity/credential.h"
#include "backchannel/talks/coalition.h"
#include "backchannel/talks/introduction.h"
#include "backchannel/talks/plan.h"
#include "talks_client/record_rows.h"

namespace backchannel::talks_client {
namespace {

using Json = nlohmann::ordered_json;
using talks::Message;
using talks::TalksState;

const std::string kAppName(kApp);

std::int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string Str(const Bytes& b) { return std::string(b.begin(), b.end()); }

Result<Json> ParseJson(const Bytes& b, std::string_view what) {
  Json j = Json::parse(b.begin(), b.end(), nullptr, false);
  if (j.is_discarded() || !j.is_object())
    return Corrupt(std::string(what) + " is not a JSON object");
  return j;
}

std::string OutboxKey(std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "outbox/%020llu", static_cast<unsigned long long>(n));
  return buf;
}

}  // namespace

std::string MemberId(const session::PublicKey& key) { return "05" + ToHex(key); }

std::optional<session::PublicKey> MemberKey(std::string_view member_id) {
  if (member_id.size() != 2 + 2 * session::PublicKey::kSize) return std::nullopt;
  auto key = FromHexFixed<session::PublicKey>(member_id.substr(2));
  if (!key) return std::nullopt;
  return *key;
}

TalksService::TalksService(client::Client& client)
    : client_(client),
      store_(client.AppStoreFor(kAppName)),
      intro_(client.AppStoreFor(std::string(talks::kIntroductionApp))) {
  client_.SetAppHandler(kAppName, [this](const client::AppMessage& m) { return OnMessage(m); });
  client_.SetAppHandler(std::string(talks::kIntroductionApp),
                        [this](const client::AppMessage& m) { return OnIntroduction(m); });
  self_ = MemberId(client_.identity_key());
}

// ---- persistence ----

Status TalksService::PutMeta(const TalksMeta& meta) {
  Json j{{"id", meta.id}, {"joined", meta.joined}, {"profile", meta.profile}};
  return store_.Put("meta/" + meta.id, AsBytes(j.dump()));
}

Result<std::optional<TalksMeta>> TalksService::FindMeta(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto v, store_.Get("meta/" + id));
  if (!v) return std::optional<TalksMeta>();
  BC_ASSIGN_OR_RETURN(Json j, ParseJson(*v, "talks meta"));
  TalksMeta m;
  m.id = j.value("id", "");
  m.joined = j.value("joined", false);
  m.profile = j.value("profile", "");
  return std::optional<TalksMeta>(std::move(m));
}

Result<TalksMeta> TalksService::Meta(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto m, FindMeta(id));
  if (!m) return NotFound("no talks '" + id + "' here (see `backchannel talks status`)");
  return *m;
}

Result<std::vector<TalksMeta>> TalksService::List() {
  BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys("meta/"));
  std::vector<TalksMeta> out;
  for (const auto& k : keys) {
    BC_ASSIGN_OR_RETURN(auto m, Meta(k.substr(5)));
    out.push_back(std::move(m));
  }
  return out;
}

Result<talks::RecordHead> TalksService::LoadHead(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto v, store_.Get("head/" + id));
  talks::RecordHead head{0, talks::EmptyRecordHash()};
  if (!v) return head;
  BC_ASSIGN_OR_RETURN(Json j, ParseJson(*v, "record head"));
  head.count = j.value("count", std::int64_t{0});
  head.hash = j.value("hash", "");
  return head;
}

Status TalksService::Record(const std::string& id, const std::string& direction,
                            const std::string& peer, const Bytes& body, std::int64_t time_ms) {
  BC_ASSIGN_OR_RETURN(auto head, LoadHead(id));
  talks::RecordEntry e;
  e.time_ms = time_ms;
  e.direction = direction;
  e.peer = peer;
  e.message = Str(body);
  talks::RecordHead next = talks::ChainAppend(head, e);
  BC_ASSIGN_OR_RETURN(std::int64_t seq, store_.Append(id, AsBytes(RecordRow(e))));
  if (seq != e.seq) {
    return Corrupt("the record of talks '" + id + "' has " + std::to_string(seq - 1) +
                   " rows but its head says " + std::to_string(head.count) +
                   " (run `backchannel record verify`)");
  }
  Json h{{"count", next.count}, {"hash", next.hash}};
  return store_.Put("head/" + id, AsBytes(h.dump()));
}

Result<std::vector<talks::RecordEntry>> TalksService::LoadRecord(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto rows, store_.ListLog(id));
  std::vector<talks::RecordEntry> out;
  for (const auto& row : rows) {
    BC_ASSIGN_OR_RETURN(auto e, RecordEntryFromRow(row.seq, row.entry));
    out.push_back(std::move(e));
  }
  return out;
}

Result<TalksState> TalksService::Rebuild(const std::string& id) {
  BC_ASSIGN_OR_RETURN(auto entries, LoadRecord(id));
  TalksState state(self_);
  for (const auto& e : entries) {
    auto m = talks::DecodeMessage(AsBytes(e.message));
    if (!m)
      return Corrupt("record entry " + std::to_string(e.seq) + ": " +
                     std::string(m.error().message()));
    const bool out = e.direction == "out";
    const std::string sender = out ? self_ : e.peer;
    Status s = state.Apply(*m, sender, out);
    if (!s.ok()) {
      return Corrupt("record entry " + std::to_string(e.seq) +
                     " no longer applies: " + std::string(s.message()));
    }
  }
  return state;
}

Result<TalksState> TalksService::State(const std::string& id) {
  auto it = cache_.find(id);
  if (it != cache_.end()) return it->second;
  BC_RETURN_IF_ERROR(Meta(id).status());
  BC_ASSIGN_OR_RETURN(auto state, Rebuild(id));
  cache_.insert_or_assign(id, state);
  return state;
}

// ---- receiving ----

Status TalksService::OnMessage(const client::AppMessage& am) {
  BC_ASSIGN_OR_RETURN(Message m, talks::DecodeMessage(am.body));
  const std::string sender = MemberId(am.sender_identity);
  BC_ASSIGN_OR_RETURN(auto meta, FindMeta(m.talks));
  TalksState state(self_);
  if (meta) {
    BC_ASSIGN_OR_RETURN(state, State(m.talks));
  } else if (!std::holds_alternative<talks::Definition>(m.body)) {
    return NotFound("a message for talks '" + m.talks + "' this client was never invited to");
  }
  if (state.Knows(m)) return Status::Ok();
  if (const auto* definition = std::get_if<talks::Definition>(&m.body)) {
    BC_RETURN_IF_ERROR(CheckSeats(*definition, definition->members));
  }
  const auto* roster = std::get_if<Message::Roster>(&m.body);
  if (roster != nullptr && state.initialized()) {
    BC_RETURN_IF_ERROR(CheckSeats(state.definition(), roster->members));
  }
  BC_RETURN_IF_ERROR(state.Apply(m, sender, false));
  if (!meta) BC_RETURN_IF_ERROR(PutMeta(TalksMeta{m.talks, false, ""}));
  BC_RETURN_IF_ERROR(Record(m.talks, "in", sender, am.body, am.time_ms));
  cache_.insert_or_assign(m.talks, state);
  happenings_.push_back(Happening{m.talks, Narrate(m, state)});
  return Status::Ok();
}

// Every member checks the seats it can: those of its contacts, whose
// credentials it holds (talks/coalition.h). A host that seats someone on a
// side their authority does not accredit for is refused here.
Status TalksService::CheckSeats(const talks::Definition& definition,
                                const std::vector<talks::Member>& members) {
  for (const auto& member : members) {
    if (member.id == self_ || member.side.empty()) continue;
    auto pk = MemberKey(member.id);
    if (!pk) continue;  // the fold refuses it
    BC_ASSIGN_OR_RETURN(auto contact, store_.ContactByIdentity(*pk));
    if (!contact || contact->credential.empty()) continue;
    BC_ASSIGN_OR_RETURN(auto cred, identity::DecodeCredential(contact->credential));
    BC_RETURN_IF_ERROR(talks::CheckSeat(definition, member, cred.authority_key, cred.side));
  }
  return Status::Ok();
}

// ---- sending ----

Result<std::string> TalksService::ContactFor(const talks::Member& member) {
  auto pk = MemberKey(member.id);
  if (!pk) return Corrupt("member " + member.name + " has a malformed id");
  BC_ASSIGN_OR_RETURN(auto contact, store_.ContactByIdentity(*pk));
  if (!contact || contact->credential.empty()) {
    return FailedPrecondition("no channel with " + member.name + " (" +
                              std::string(talks::RoleName(member.role)) +
                              (member.side.empty() ? "" : " of " + member.side) +
                              "): exchange an invitation first (backchannel invite / accept)");
  }
  return contact->name;
}

Result<SyncReport> TalksService::Send(const std::string& id, Message m,
                                      const std::optional<std::vector<talks::Member>>& to) {
  BC_ASSIGN_OR_RETURN(TalksState state, State(id));
  m.talks = id;
  if (m.mid.empty()) m.mid = talks::NewMessageId();
  if (m.from.empty()) m.from = self_;
  if (m.time_ms == 0) m.time_ms = NowMs();
  const Bytes body = talks::EncodeMessage(m);
  BC_RETURN_IF_ERROR(state.Apply(m, self_, true));
  std::vector<talks::Member> recipients;
  if (to) {
    recipients = *to;
  } else {
    BC_ASSIGN_OR_RETURN(recipients, state.Recipients(m.scope));
  }
  std::vector<std::string> contacts;
  std::string peer;
  for (const auto& r : recipients) {
    BC_ASSIGN_OR_RETURN(std::string c, ContactFor(r));
    contacts.push_back(c);
    peer += (peer.empty() ? "" : ",") + r.id;
  }
  BC_RETURN_IF_ERROR(store_.Transaction([&]() -> Status {
    BC_RETURN_IF_ERROR(Record(id, "out", peer, body, m.time_ms));
    BC_ASSIGN_OR_RETURN(auto next, store_.Get("outbox-next"));
    std::uint64_t n = next ? std::stoull(Str(*next)) : 1;
    for (const auto& c : contacts) {
      Json item{{"contact", c},
                {"talks", id},
                {"body", ToBase64(body, Base64Variant::kUrlSafeNoPadding)}};
      BC_RETURN_IF_ERROR(store_.Put(OutboxKey(n++), AsBytes(item.dump())));
    }
    return store_.Put("outbox-next", AsBytes(std::to_string(n)));
  }));
  cache_.insert_or_assign(id, state);
  SyncReport report;
  report.happenings.push_back(Happening{id, Narrate(m, state)});
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Status TalksService::Flush(SyncReport& report) {
  BC_ASSIGN_OR_RETURN(auto keys, store_.ListKeys("outbox/"));
  std::set<std::string> blocked;  // contacts whose earlier message is still queued
  report.queued = 0;
  for (const auto& key : keys) {
    BC_ASSIGN_OR_RETURN(auto v, store_.Get(key));
    if (!v) continue;
    BC_ASSIGN_OR_RETURN(Json item, ParseJson(*v, "outbox item"));
    const std::string contact = item.value("contact", "");
    if (blocked.contains(contact)) {
      ++report.queued;
      continue;
    }
    auto body = FromBase64(item.value("body", ""), Base64Variant::kUrlSafeNoPadding);
    if (!body) return Corrupt("outbox item " + key + " has a malformed body");
    // The client's outbox takes over what the relay cannot take now
    // (queued: it goes out, in order, on the next flush); only a refusal
    // that will not pass by itself keeps the item here.
    auto sent = client_.SendApp(contact, kAppName, *body);
    if (sent) {
      BC_RETURN_IF_ERROR(store_.Delete(key));
      if (sent->queued) ++report.queued;
      if (sent->refused) {
        report.refused.push_back(sent->reason.WithContext("kept in the outbox for " + contact));
      }
    } else {
      blocked.insert(contact);
      ++report.queued;
      report.refused.push_back(sent.error().WithContext("queued for " + contact + ", will retry"));
    }
  }
  return Status::Ok();
}

// ---- the reactor ----

Status TalksService::Execute(const std::string& id, const talks::Plan& plan, SyncReport& report) {
  for (const auto& step : plan.sends) {
    BC_ASSIGN_OR_RETURN(auto r, Send(id, step.message, step.to));
    // What we author is told; events we only pass on (forwards, a new
    // principal's catch-up) are the host's and were told when they came.
    if (step.message.from == self_) {
      for (auto& h : r.happenings) report.happenings.push_back(std::move(h));
    }
    for (auto& s : r.refused) report.refused.push_back(std::move(s));
    report.queued = r.queued;
  }
  return Status::Ok();
}

Status TalksService::React(const std::string& id, SyncReport& report) {
  // One step of the plan at a time: each send changes what comes next.
  for (int round = 0; round < 1000; ++round) {
    BC_ASSIGN_OR_RETURN(TalksState state, State(id));
    BC_ASSIGN_OR_RETURN(talks::Plan plan, talks::PlanReaction(state, NowMs()));
    if (plan.empty()) return Status::Ok();
    BC_RETURN_IF_ERROR(Execute(id, plan, report));
  }
  return Internal("the talks reactor did not settle");
}

Result<SyncReport> TalksService::Finish(const std::string& id, SyncReport report) {
  BC_RETURN_IF_ERROR(RunIntroductions(report));
  if (!id.empty()) {
    BC_ASSIGN_OR_RETURN(auto meta, Meta(id));
    if (meta.joined) BC_RETURN_IF_ERROR(React(id, report));
  }
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Result<SyncReport> TalksService::Sync() {
  happenings_.clear();
  auto received = client_.Receive();
  if (!received) {
    cache_.clear();
    return received.error();
  }
  SyncReport report;
  report.happenings = std::move(happenings_);
  happenings_.clear();
  for (const auto& s : received->refused) report.refused.push_back(s);
  report.received = std::move(*received);
  BC_RETURN_IF_ERROR(Flush(report));
  BC_RETURN_IF_ERROR(RunIntroductions(report));
  BC_ASSIGN_OR_RETURN(auto all, List());
  for (const auto& meta : all) {
    if (meta.joined) BC_RETURN_IF_ERROR(React(meta.id, report));
  }
  BC_RETURN_IF_ERROR(Flush(report));
  return report;
}

Status TalksService::Listen(std::chrono::milliseconds duration,
                            const std::function<bool(const client::StoredMessage&)>& on_message,
                            const std::function<bool(const Happening&)>& on_happening,
                            const std::function<void(const Status&)>& on_refused,
                            const client::ConnectionHandler& on_connection,
                            const std::function<bool()>& after_event) {
  happenings_.clear();
  Status failed;  // a store failure in the reactor ends the listen
  auto talks_after_event = [&]() -> bool {
    SyncReport report;
    report.happenings = std::move(happenings_);
    happenings_.clear();
    std::set<std::string> touched;
    for (const auto& h : report.happenings) touched.insert(h.talks);
    if (Status s = RunIntroductions(report); !s.ok()) {
      failed = s;
      return false;
    }
    for (const auto& id : touched) {
      auto meta = FindMeta(id);
      if (!meta) {
        failed = meta.error();
        return false;
      }
      if (*meta && (*meta)->joined) {
        if (Status s = React(id, report); !s.ok()) {
          failed = s;
          return false;
        }
      }
    }
    if (!touched.empty()) {
      if (Status s = Flush(report); !s.ok()) {
        failed = s;
        return false;
      }
    }
    if (on_refused) {
      for (const auto& r : report.refused) on_refused(r);
    }
    for (const auto& h : report.happenings) {
      if (on_happening && !on_happening(h)) return false;
    }
    return !after_event || after_event();
  };
  Status s = client_.Listen(duration, on_message, on_refused, on_connection, talks_after_event);
  if (!failed.ok()) return failed;
  return s;
}

}  // namespace backchannel::talks_client
