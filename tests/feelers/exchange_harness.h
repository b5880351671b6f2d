// Two feeler clients in one process for exchange_test: each side holds its
// exchange and budget, and Deliver() routes one message the way the client
// will (by type; an offer with no exchange becomes an incoming one that the
// test's "user" answers with topics it chose).
#ifndef BACKCHANNEL_TESTS_FEELERS_EXCHANGE_HARNESS_H_
#define BACKCHANNEL_TESTS_FEELERS_EXCHANGE_HARNESS_H_

#include <gtest/gtest.h>

#include <deque>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/feelers/exchange.h"
#include "backchannel/feelers/message.h"
#include "backchannel/feelers/topic.h"

namespace backchannel::feelers::testing {

inline std::vector<Bytes> TopicBytes(std::initializer_list<const char*> texts) {
  std::vector<Bytes> out;
  for (const char* t : texts) out.push_back(FreeTextTopic(t).value().Canonical());
  return out;
}

inline IdentityKey Key(std::uint8_t fill) {
  IdentityKey k{};
  k.mutable_bytes().fill(fill);
  return k;
}

struct Side {
  std::string name;
  ExchangeParams params;
  ProbingBudget budget;
  std::vector<Bytes> topics;  // what this side's user chose
  std::size_t k = 0;          // 0: the smallest that holds the topics (feelers only)
  std::optional<Exchange> x;
  std::size_t sent = 0;  // messages this side produced
  // Messages beyond this count are never sent (an abort); unlimited by default.
  std::size_t send_limit = SIZE_MAX;
  std::deque<Bytes> outbox;

  Side(std::string n, std::uint8_t self, std::uint8_t peer, std::vector<Bytes> t)
      : name(std::move(n)) {
    params.self = Key(self);
    params.peer = Key(peer);
    params.scope = "channel:alice-bob";
    topics = std::move(t);
  }

  void Queue(std::vector<Bytes> msgs) {
    for (Bytes& m : msgs) {
      if (sent < send_limit) outbox.push_back(std::move(m));
      ++sent;
    }
  }

  Status Start(std::int64_t now, std::int64_t ttl = 3600) {
    Bytes offer;
    auto r = Exchange::Start(params, topics, k, now, ttl, budget, &offer);
    if (!r) return r.error();
    x.emplace(std::move(*r));
    Queue({offer});
    return Status::Ok();
  }

  // One message from the peer.
  Status Deliver(ByteView msg, std::int64_t now, std::int64_t ttl = 3600) {
    auto type = PeekMessageType(msg);
    if (!type) return type.error();
    switch (*type) {
      case MessageType::kOffer: {
        auto offer = DecodeOffer(msg);
        if (!offer) return offer.error();
        if (!x) {
          auto in = Exchange::Incoming(params, *offer, now, ttl, budget);
          if (!in) return in.error();
          x.emplace(std::move(*in));
          auto out = x->Answer(topics, k, now);
          if (!out) return out.error();
          Queue(std::move(*out));
          return Status::Ok();
        }
        auto out = x->OnOffer(*offer, now);
        if (!out) return out.error();
        Queue(std::move(*out));
        return Status::Ok();
      }
      case MessageType::kResponse: {
        auto m = DecodeResponse(msg);
        if (!m) return m.error();
        if (!x) return FailedPrecondition("no exchange");
        auto out = x->OnResponse(*m, now);
        if (!out) return out.error();
        Queue(std::move(*out));
        return Status::Ok();
      }
      case MessageType::kFinish: {
        auto m = DecodeFinish(msg);
        if (!m) return m.error();
        if (!x) return FailedPrecondition("no exchange");
        return x->OnFinish(*m, now);
      }
    }
    return Internal("unreachable");
  }
};

// Delivers queued messages both ways, one at a time alternately, until both
// outboxes are empty. Every delivery must succeed; returns what was seen.
inline std::vector<Bytes> Pump(Side& a, Side& b, std::int64_t now) {
  std::vector<Bytes> wire;
  while (!a.outbox.empty() || !b.outbox.empty()) {
    for (auto [from, to] : {std::pair<Side*, Side*>{&a, &b}, std::pair<Side*, Side*>{&b, &a}}) {
      if (from->outbox.empty()) continue;
      Bytes m = std::move(from->outbox.front());
      from->outbox.pop_front();
      wire.push_back(m);
      const Status s = to->Deliver(m, now);
      if (!s.ok()) ADD_FAILURE() << to->name << " refused a message: " << s;
    }
  }
  return wire;
}

}  // namespace backchannel::feelers::testing

#endif  // BACKCHANNEL_TESTS_FEELERS_EXCHANGE_HARNESS_H_
