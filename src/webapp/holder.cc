// The app holder (holder.h).
#include "backchannel/webapp/holder.h"

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <filesystem>
#include <future>
#include <mutex>
#include <optional>
#include <thread>

#include "backchannel/app/analysis_memo.h"
#include "backchannel/app/analysis_view.h"
#include "backchannel/app/channel.h"
#include "backchannel/app/home_ops.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/client/agent.h"
#include "backchannel/client/home.h"
#include "backchannel/client/listen_interrupt.h"
#include "backchannel/client/local_store.h"
#include "backchannel/feelers_client/service.h"
#include "backchannel/talks_client/service.h"

namespace backchannel::webapp {
namespace {

namespace net = boost::asio;
using app::Json;

// The agent's own idle timeout is the holder's business (it locks, which
// stops the agent), so the agent never times out by itself.
constexpr std::chrono::hours kAgentNeverIdle{24 * 365};

// Operations after which the page's contact or pending lists may differ.
bool ChangesContacts(const app::Request& r) {
  return std::holds_alternative<app::TrustAddRequest>(r) ||
         std::holds_alternative<app::TrustRemoveRequest>(r) ||
         std::holds_alternative<app::AcceptRequest>(r) ||
         std::holds_alternative<app::CredentialImportRequest>(r) ||
         std::holds_alternative<app::FingerprintRequest>(r) ||
         std::holds_alternative<app::InboxRequest>(r);
}

// A talks request that may change what a chart is computed from (our join
// and profile, a shared profile, the offers behind an estimate). The
// read-only ones (the builder asks `talks.evaluate` on every pick) do not.
bool ChangesTalks(const app::Request& r) {
  const std::string_view op = app::OpName(r);
  if (op.substr(0, 6) != "talks.") return false;
  return op != "talks.status" && op != "talks.agenda" && op != "talks.evaluate" &&
         op != "talks.analysis" && op != "talks.profile.compose";
}

}  // namespace

struct AppHolder::Impl {
  Impl(HolderOptions o, SseHub& h) : options(std::move(o)), hub(h) {
    options.client.listen_reconnect.enabled = true;
    options.client.listen_interrupt = interrupt;
  }

  HolderOptions options;
  SseHub& hub;
  net::io_context io{1};
  net::executor_work_guard<net::io_context::executor_type> work{io.get_executor()};
  net::steady_timer listen_timer{io};
  net::steady_timer idle_timer{io};
  std::thread worker;
  // Wakes the listen when a job is queued on the worker (Wake).
  std::shared_ptr<client::ListenInterrupt> interrupt = std::make_shared<client::ListenInterrupt>();
  // Bumped by each unlock and lock: a listen step queued for an earlier
  // unlocked period does nothing (one listen loop at a time).
  std::uint64_t generation = 0;
  bool reach_confirmed = false;  // a listen came back OK since the last failure

  // Unlocked state. `talks` and `feelers` are destroyed before `client`.
  std::unique_ptr<client::Client> client;
  std::unique_ptr<talks_client::TalksService> talks;
  std::unique_ptr<feelers_client::FeelerService> feelers;
  std::unique_ptr<client::AgentServer> agent;
  std::thread agent_thread;

  // Which /api jobs wait for the worker and whether a listen holds it, so
  // that a wake-up is sent only to a listen in progress (a trigger latched
  // while none runs would cut the next listen short for a request that
  // already ran: one relay connection wasted): Wake counts a job in, the job
  // counts itself out when it starts (Dequeued), and a listen starts only
  // with no job waiting.
  std::mutex wake_mu;
  // Signed: should a job count itself out before its Wake counted it in,
  // the two still cancel out.
  std::int64_t jobs_waiting = 0;  // guarded by wake_mu
  bool listening = false;         // guarded by wake_mu

  // What the page shows of the relay.
  bool reachable = false;
  std::string relay_error = "locked";
  std::size_t queued_out = 0;
  // The relay's certificate is not the pinned one (kUntrusted): not a
  // passing outage, the page raises an alarm.
  bool pin_mismatch = false;
  std::int64_t last_touch_ms = 0;

  const std::string& home() const { return options.client.home; }
  std::string store_path() const { return client::StorePath(home()); }

  Json RelayJson() const {
    return Json{{"reachable", reachable},
                {"error", relay_error},
                {"queued_out", queued_out},
                {"pin_mismatch", pin_mismatch}};
  }

  void SetRelay(bool now_reachable, const std::string& error, bool untrusted = false) {
    std::size_t queued = queued_out;
    if (client) {
      if (auto out = client->Outbox(); out.ok()) queued = out->size();
    }
    if (now_reachable == reachable && error == relay_error && queued == queued_out &&
        untrusted == pin_mismatch) {
      return;
    }
    pin_mismatch = untrusted;
    reachable = now_reachable;
    relay_error = error;
    queued_out = queued;
    hub.Publish("relay", RelayJson());
  }

  // ---- the home's agent socket, served from this process ----
  void StartAgent(const client::StoreKey& key) {
    if (!options.serve_agent) return;
    client::AgentOptions ao;
    ao.idle = kAgentNeverIdle;
    client::StoreKey copy;  // the agent owns (and wipes) its own copy
    copy.Assign(key.view());
    auto bound = client::AgentServer::Bind(home(), std::move(copy), ao);
    // Another agent (`backchannel agent start`) already serves this home:
    // the CLI gets the key from it; nothing to add.
    if (!bound) return;
    agent = std::move(*bound);
    agent_thread = std::thread([a = agent.get()] { a->Serve(); });
  }
  void StopAgent() {
    if (!agent) return;
    agent->Shutdown();
    if (agent_thread.joinable()) agent_thread.join();
    agent.reset();  // wipes its copy of the key, removes the socket
  }

  // ---- unlocked ----
  void Adopt(std::unique_ptr<client::Client> opened, const client::StoreKey& key) {
    client = std::move(opened);
    talks = std::make_unique<talks_client::TalksService>(*client);
    // Registers the "feelers" app handler, so feeler messages are received
    // (not refused) and the page's feeler.* requests run.
    feelers = std::make_unique<feelers_client::FeelerService>(*client);
    StartAgent(key);
    last_touch_ms = options.clock();
    relay_error.clear();
    ++generation;
    reach_confirmed = false;
    PrepareCharts();
    ListenNext();
    ScheduleIdleCheck();
  }

  // The charts' engine work for every talks, started on the memo's own
  // thread (analysis_memo.h), so that a chart opened later finds it done or
  // under way instead of holding this worker for seconds (a 10^20-outcome
  // agenda). Reads only; a basis already kept is not computed again.
  void PrepareCharts() {
    if (!talks) return;
    auto list = talks->List();
    if (!list) return;
    for (const auto& meta : *list) {
      auto state = talks->State(meta.id);
      if (!state || !state->initialized()) continue;
      auto input = app::AnalysisInputOf(*state, meta.profile);
      if (input) app::PrepareAnalysis(*input, app::ChartSolutionsMemo::Shared());
    }
  }

  void DoLock() {
    if (!client) return;
    StopAgent();
    ++generation;
    listen_timer.cancel();
    feelers.reset();
    talks.reset();
    client.reset();  // closes the store: its key is wiped with it
    // The charts' results are derived from the profiles: not kept locked.
    app::ChartSolutionsMemo::Shared().Clear();
    reachable = false;
    relay_error = "locked";
    hub.Publish("lock", Json::object());
    hub.Publish("relay", RelayJson());
  }

  // ---- the listen loop ----
  // The next listen, queued behind the jobs already waiting (a post: FIFO).
  void ListenNext() {
    net::post(io, [this, g = generation] {
      if (g == generation) ListenSlice();
    });
  }

  // The next listen after a failure, in `after`.
  void ScheduleListen(std::chrono::milliseconds after) {
    listen_timer.expires_after(after);
    listen_timer.async_wait([this, g = generation](const boost::system::error_code& ec) {
      if (!ec && g == generation) ListenSlice();
    });
  }

  // How long the next listen may block the worker: until a job wakes it,
  // `listen_slice` at most, and no later than the idle lock is due (the
  // idle check runs on this worker too). Zero: the lock is due now.
  // Until a listen has come back OK (after unlocking, after a failure),
  // listens are short (`retry_after`): the relay is reported reachable when
  // one returns, so the banner clears soon after the relay is back.
  std::chrono::milliseconds ListenBudget() const {
    const std::int64_t idle_left = options.idle.count() - (options.clock() - last_touch_ms);
    if (idle_left <= 0) return std::chrono::milliseconds(0);
    const auto longest = reach_confirmed ? options.listen_slice : options.retry_after;
    return std::min(longest, std::chrono::milliseconds(idle_left));
  }

  // Marks the listen as running unless a job waits (then the listen comes
  // after it); false when it must not start now.
  bool BeginListen() {
    const std::lock_guard<std::mutex> lock(wake_mu);
    if (jobs_waiting > 0) return false;
    listening = true;
    return true;
  }
  void EndListen() {
    const std::lock_guard<std::mutex> lock(wake_mu);
    listening = false;
    // A wake-up that came after the listen had ended by itself is for a job
    // the next listen waits for anyway (jobs_waiting): nothing to latch.
    interrupt->Consume();
  }

  void ListenSlice() {
    if (!client) return;
    const auto budget = ListenBudget();
    if (budget.count() == 0) {
      DoLock();
      return;
    }
    if (!BeginListen()) {
      ListenNext();
      return;
    }
    bool dropped = false;
    bool talks_changed = false;
    std::string drop_cause;
    Status s = talks->Listen(
        budget,
        [this](const client::StoredMessage& m) {
          hub.Publish("message", app::ToJson(app::ViewOf(m)));
          // A notice comes with a change of contacts (a new one, a
          // credential presented, an identity key changed: the contact
          // view's key_changed): the page refetches them.
          if (m.direction == client::Direction::kSystem) {
            hub.Publish("contacts", Json{{"contact", m.contact}});
          }
          return true;
        },
        [this, &talks_changed](const talks_client::Happening& h) {
          hub.Publish("happening", Json{{"talks", h.talks}, {"text", h.text}});
          talks_changed = true;
          return true;
        },
        [](const Status&) {},
        [&](const client::ConnectionEvent& e) {
          if (e.kind == client::ConnectionEvent::Kind::kDropped) {
            dropped = true;
            drop_cause = std::string(e.cause.message());
            SetRelay(false, drop_cause);
          } else {
            dropped = false;
            SetRelay(true, "");
            // The outbox is flushed when a listen starts: what waited while
            // the relay was away goes out now if this listen ends (the next
            // starts at once).
            if (queued_out > 0) interrupt->Trigger();
          }
        },
        // Feeler messages pushed meanwhile: post what their exchanges
        // answer (a receive handler may not send), and tell the page.
        [this]() {
          auto settled = feelers->Settle();
          if (settled && !settled->events.empty()) {
            hub.Publish("feeler", Json{{"events", settled->events}});
          }
          return true;
        });
    EndListen();
    if (!client) return;
    if (talks_changed) PrepareCharts();
    if (s.ok() && !dropped) {
      reach_confirmed = true;
      SetRelay(true, "");
      ListenNext();
    } else {
      reach_confirmed = false;
      SetRelay(false, s.ok() ? drop_cause : std::string(s.message()),
               s.code() == StatusCode::kUntrusted);
      ScheduleListen(options.retry_after);
    }
  }

  // ---- idle lock ----
  void ScheduleIdleCheck() {
    const auto period = std::min(options.idle, std::chrono::milliseconds(1000));
    idle_timer.expires_after(period);
    idle_timer.async_wait([this](const boost::system::error_code& ec) {
      if (ec || !client) return;
      if (options.clock() - last_touch_ms >= options.idle.count()) {
        DoLock();
        return;
      }
      ScheduleIdleCheck();
    });
  }
};

AppHolder::AppHolder(HolderOptions options, SseHub& hub)
    : impl_(std::make_unique<Impl>(std::move(options), hub)) {}

AppHolder::~AppHolder() {
  // std::promise and std::thread::join throw only on a system error (no
  // thread resources); a destructor has no one to report it to, and the
  // key is wiped by the client's own destructor either way.
  try {
    Stop();
  } catch (...) {  // NOLINT(bugprone-empty-catch): see above
  }
}

void AppHolder::Start() {
  if (impl_->worker.joinable()) return;
  impl_->worker = std::thread([this] { impl_->io.run(); });
}

void AppHolder::Stop() {
  if (!impl_->worker.joinable()) return;
  std::promise<void> locked;
  net::post(impl_->io, [this, &locked] {
    impl_->DoLock();
    impl_->idle_timer.cancel();
    locked.set_value();
  });
  impl_->interrupt->Trigger();  // not Wake: this job never counts itself out
  locked.get_future().wait();
  impl_->work.reset();
  impl_->io.stop();
  impl_->worker.join();
}

net::any_io_executor AppHolder::executor() { return impl_->io.get_executor(); }

void AppHolder::Wake() {
  const std::lock_guard<std::mutex> lock(impl_->wake_mu);
  ++impl_->jobs_waiting;
  if (impl_->listening) impl_->interrupt->Trigger();
}

void AppHolder::Dequeued() {
  const std::lock_guard<std::mutex> lock(impl_->wake_mu);
  --impl_->jobs_waiting;
}

Json AppHolder::State() {
  std::error_code ec;
  return Json{{"home", impl_->home()},
              {"exists", std::filesystem::exists(impl_->store_path(), ec)},
              {"unlocked", impl_->client != nullptr},
              {"relay", impl_->RelayJson()}};
}

Result<Json> AppHolder::Init(const InitInput& input) {
  if (impl_->client)
    return Status(StatusCode::kAlreadyExists, "the home is open already: lock it first");
  app::InitRequest request{input.relay, input.pin, input.invitation};
  if (!input.display_name.empty()) {
    BC_RETURN_IF_ERROR(app::CheckChosenName(input.display_name));
  }
  BC_ASSIGN_OR_RETURN(auto inited, app::InitHome(impl_->options.client, input.passphrase, request));
  // Kept in the home (sealed), shown until a credential names us.
  if (!input.display_name.empty()) {
    BC_RETURN_IF_ERROR(app::StoreChosenName(*inited.client, input.display_name));
  }
  // The agent needs the key itself (one more key derivation, once).
  auto key = client::LocalStore::DeriveStoreKey(impl_->store_path(), input.passphrase);
  if (!key) return key.error();
  impl_->Adopt(std::move(inited.client), *key);
  Json j = app::ToJson(inited.view);
  j["display_name"] = input.display_name;
  impl_->hub.Publish("contacts", Json::object());
  return j;
}

Status AppHolder::Unlock(const SecretBytes& passphrase) {
  if (impl_->client) return Status::Ok();
  // Argon2id once; the client opens with the derived key and the agent
  // serves a copy of it.
  BC_ASSIGN_OR_RETURN(auto key,
                      client::LocalStore::DeriveStoreKey(impl_->store_path(), passphrase));
  BC_ASSIGN_OR_RETURN(auto opened, client::Client::OpenWithKey(impl_->options.client, key));
  impl_->Adopt(std::move(opened), key);
  impl_->hub.Publish("contacts", Json::object());
  return Status::Ok();
}

void AppHolder::Lock() { impl_->DoLock(); }

Status AppHolder::Passwd(const SecretBytes& old_passphrase, const SecretBytes& new_passphrase) {
  const std::string path = impl_->store_path();
  if (!impl_->client) {
    // Another process's agent would go on serving the old key.
    if (client::QueryAgent(impl_->home()).ok()) {
      return FailedPrecondition(
          "an agent serves this home with the current key; stop it first "
          "(`backchannel agent stop`)");
    }
    BC_ASSIGN_OR_RETURN(auto store, client::LocalStore::Open(path, old_passphrase));
    return store->ChangePassphrase(new_passphrase);
  }
  // Checked against the store first: a wrong old passphrase changes nothing.
  BC_RETURN_IF_ERROR(client::LocalStore::DeriveStoreKey(path, old_passphrase).status());
  impl_->StopAgent();
  Status changed = impl_->client->store().ChangePassphrase(new_passphrase);
  auto key =
      client::LocalStore::DeriveStoreKey(path, changed.ok() ? new_passphrase : old_passphrase);
  if (key) impl_->StartAgent(*key);
  return changed;
}

Result<Json> AppHolder::Run(const app::Request& request) {
  if (!impl_->client) return FailedPrecondition("unlock first");
  app::Channel channel(*impl_->client, *impl_->talks, impl_->feelers.get());
  auto done = app::Execute(channel, request);
  if (!done) return done;
  if (const auto* send = std::get_if<app::SendRequest>(&request)) {
    impl_->hub.Publish(
        "delivery",
        Json{{"id", (*done)["id"]}, {"contact", send->contact}, {"delivery", (*done)["state"]}});
    impl_->SetRelay((*done)["state"] == "sent" ? true : impl_->reachable,
                    (*done)["state"] == "sent" ? "" : impl_->relay_error);
  }
  if (ChangesContacts(request)) impl_->hub.Publish("contacts", Json::object());
  if (ChangesTalks(request)) impl_->PrepareCharts();
  return done;
}

bool AppHolder::unlocked() { return impl_->client != nullptr; }

void AppHolder::Touch() { impl_->last_touch_ms = impl_->options.clock(); }

}  // namespace backchannel::webapp
