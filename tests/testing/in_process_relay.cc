#include "testing/in_process_relay.h"

#include <algorithm>
#include <cctype>
#include <condition_variable>
#include <deque>
#include <optional>
#include <utility>

#include "backchannel/common/encoding.h"
#include "backchannel/crypto/primitives.h"
#include "backchannel/relay/push_session.h"

namespace backchannel::testing {

// One push connection: the relay's PushSession, the frames it pushed and
// not yet read, and whether the connection was dropped.
class InProcessRelay::Channel {
 public:
  Channel(relay::Router& router, const relay::MailboxId& mailbox, const std::atomic<bool>& waits)
      : router_(router),
        mailbox_(mailbox),
        waits_(waits),
        push_(router.options().prekeys_low_below) {}

  // What the Beast session does once the upgrade is accepted: the first
  // page, then the prekeys-low notice.
  void Start() {
    ListPage();
    auto remaining = router_.OneTimeRemaining(mailbox_);
    if (remaining.ok()) {
      std::lock_guard lock(mu_);
      if (auto frame = push_.PreKeysLow(*remaining)) Queue(std::move(*frame));
    }
  }

  void Offer(const relay::StoredMessage& m) {
    std::lock_guard lock(mu_);
    if (auto frame = push_.Offer(m)) Queue(std::move(*frame));
  }
  void PreKeysLow(std::size_t remaining) {
    std::lock_guard lock(mu_);
    Queue(relay::EncodeWsPreKeysLow(remaining));
  }
  void Drop() {
    std::lock_guard lock(mu_);
    dropped_ = true;
    cv_.notify_all();
  }

  Result<std::optional<std::string>> Read(client::SteadyTime deadline) {
    std::unique_lock lock(mu_);
    auto ready = [&] { return dropped_ || interrupted_ || !out_.empty(); };
    if (!ready() && waits_) cv_.wait_until(lock, deadline, ready);
    if (dropped_) return Status(StatusCode::kUnavailable, "in-process relay: connection dropped");
    if (interrupted_) return std::optional<std::string>();
    if (out_.empty()) return std::optional<std::string>();
    std::string frame = std::move(out_.front());
    out_.pop_front();
    return std::optional<std::string>(std::move(frame));
  }

  // As the TLS channel's: the read returns as if its deadline had passed.
  void Interrupt() {
    std::lock_guard lock(mu_);
    interrupted_ = true;
    cv_.notify_all();
  }

  Status Write(const std::string& text) {
    {
      std::lock_guard lock(mu_);
      if (dropped_) return Status(StatusCode::kUnavailable, "in-process relay: connection dropped");
    }
    relay::PushSession::ClientFrame in = relay::PushSession::Read(text);
    if (!in.ack) {
      router_.metrics().Reject("bad_request");
      std::lock_guard lock(mu_);
      Queue(std::move(in.reply));
      return Status::Ok();
    }
    const Status acked = router_.Ack(mailbox_, *in.ack);
    bool next_page = false;
    {
      std::lock_guard lock(mu_);
      next_page = push_.Acked(*in.ack, acked);
    }
    if (next_page) ListPage();
    return Status::Ok();
  }

 private:
  void ListPage() {
    auto pending = router_.Pending(mailbox_, relay::PushSession::kPage);
    if (!pending.ok()) return;
    std::lock_guard lock(mu_);
    for (std::string& frame : push_.ListPage(*pending)) Queue(std::move(frame));
  }
  void Queue(std::string frame) {  // REQUIRES: mu_ held
    out_.push_back(std::move(frame));
    cv_.notify_all();
  }

  relay::Router& router_;
  relay::MailboxId mailbox_;
  const std::atomic<bool>& waits_;
  std::mutex mu_;
  std::condition_variable cv_;
  relay::PushSession push_;      // guarded by mu_
  std::deque<std::string> out_;  // guarded by mu_
  bool dropped_ = false;         // guarded by mu_
  bool interrupted_ = false;     // guarded by mu_
};

namespace {

// What the client holds: the channel stays shared with the relay's list of
// connections until the client lets go of it.
class ClientEnd final : public client::PushChannel {
 public:
  explicit ClientEnd(std::shared_ptr<InProcessRelay::Channel> c) : c_(std::move(c)) {}
  Result<std::optional<std::string>> Read(client::SteadyTime deadline) override {
    return c_->Read(deadline);
  }
  Status Write(const std::string& text) override { return c_->Write(text); }
  void Interrupt() override { c_->Interrupt(); }

 private:
  std::shared_ptr<InProcessRelay::Channel> c_;
};

}  // namespace

InProcessRelay::InProcessRelay(Options options) : options_(std::move(options)) {
  Bytes pin(32);
  crypto::RandomBytes(MutableByteView(pin.data(), pin.size()));
  pin_ = ToHex(pin);
}

InProcessRelay::~InProcessRelay() = default;

CertificatePin InProcessRelay::certificate_pin() const {
  return FromHexFixed<CertificatePin>(pin_).value();
}

Result<std::shared_ptr<InProcessRelay>> InProcessRelay::Start(Options options) {
  std::shared_ptr<InProcessRelay> r(new InProcessRelay(std::move(options)));
  BC_ASSIGN_OR_RETURN(r->store_, relay::OpenSqliteStore(r->options_.store_path));
  relay::Clock clock = r->options_.clock ? r->options_.clock : relay::SystemClockMs;
  r->router_ = std::make_unique<relay::Router>(*r->store_, r->metrics_, r->options_.router, clock);
  r->router_->set_certificate_pins(r->pin_, "");  // GET /v1/pins as backchanneld serves it
  // The relay object outlives its Router: raw `this` in the listeners.
  InProcessRelay* self = r.get();
  auto each = [self](const relay::MailboxId& mb, const auto& f) {
    std::vector<std::shared_ptr<Channel>> open;
    {
      std::lock_guard lock(self->mu_);
      auto [from, to] = self->channels_.equal_range(mb);
      for (auto it = from; it != to;) {
        if (auto c = it->second.lock()) {
          open.push_back(std::move(c));
          ++it;
        } else {
          it = self->channels_.erase(it);
        }
      }
    }
    for (const auto& c : open) f(*c);
  };
  r->router_->set_message_listener(
      [each](const relay::MailboxId& mb, const relay::StoredMessage& m) {
        each(mb, [&](Channel& c) { c.Offer(m); });
      });
  r->router_->set_prekeys_low_listener([each](const relay::MailboxId& mb, std::size_t remaining) {
    each(mb, [&](Channel& c) { c.PreKeysLow(remaining); });
  });
  return r;
}

void InProcessRelay::DropConnections() {
  std::vector<std::shared_ptr<Channel>> open;
  {
    std::lock_guard lock(mu_);
    for (auto& [mb, w] : channels_) {
      if (auto c = w.lock()) open.push_back(std::move(c));
    }
    channels_.clear();
  }
  for (const auto& c : open) c->Drop();
}

Status InProcessRelay::Reach(const client::RelayEndpoint& endpoint) const {
  if (endpoint.address != options_.address || !reachable_) {
    return Status(StatusCode::kUnavailable,
                  "relay " + endpoint.address + ": Connection refused (in-process)");
  }
  if (!endpoint.Accepts(certificate_pin())) {
    return Status(StatusCode::kUntrusted, "relay certificate does not match the pin");
  }
  ++requests_;
  return Status::Ok();
}

relay::HttpRequest InProcessRelay::ToHttp(const client::WireRequest& r) {
  relay::HttpRequest h;
  h.method = r.method;
  h.target = r.target;
  h.headers = r.headers;
  if (!r.content_type.empty()) h.headers.emplace_back("Content-Type", r.content_type);
  h.body = r.body;
  return h;
}

Result<client::WireReply> InProcessRelay::Exchange(const client::RelayEndpoint& endpoint,
                                                   const client::WireRequest& request) const {
  BC_RETURN_IF_ERROR(Reach(endpoint));
  relay::HttpResponse res = router_->Handle(ToHttp(request));
  return client::WireReply{static_cast<unsigned>(res.status), std::move(res.body)};
}

Result<client::PushOpening> InProcessRelay::OpenPush(const client::RelayEndpoint& endpoint,
                                                     const client::WireRequest& upgrade,
                                                     client::SteadyTime /*connect_by*/) const {
  BC_RETURN_IF_ERROR(Reach(endpoint));
  relay::HttpRequest http = ToHttp(upgrade);
  http.headers.emplace_back("Upgrade", "websocket");
  auto authorized = router_->AuthorizeWebSocket(http);
  client::PushOpening out;
  if (auto* refused = std::get_if<relay::HttpResponse>(&authorized)) {
    out.refusal = {static_cast<unsigned>(refused->status), refused->body};
    return out;
  }
  const relay::MailboxId mb = std::get<relay::MailboxId>(authorized);
  auto channel = std::make_shared<Channel>(*router_, mb, listen_waits_);
  {
    std::lock_guard lock(mu_);
    channels_.emplace(mb, channel);
  }
  channel->Start();
  out.channel = std::make_unique<ClientEnd>(std::move(channel));
  return out;
}

}  // namespace backchannel::testing
