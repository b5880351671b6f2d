// Fuzz target: the application core's requests, decoded AND executed
// (issue 12, "Bad input": arbitrary requests go through the core the way any
// face sends them, and a refused one changes no state and returns an error
// object of the schema).
//
// One home is set up once per process: Alice (United States), with an open,
// mutually verified channel to Bob (Iran) and talks "geneva" she hosts, over
// the fast in-process relay (the relay's real Router and SQLite store; see
// tests/testing/in_process_relay.h). Each input is one JSON request run on
// Alice's Channel through app::Execute, exactly as the web app's
// /api/request route and the CLI do. Invariants:
//   - nothing throws or crashes, whatever the request;
//   - a refused request (decoding, validation or the operation) is an error
//     with a code and a message, and leaves Alice's home as it was: contacts,
//     trust, pending requests, the outbox, the conversation and the talks'
//     state, compared before and after;
//   - an accepted request answers a JSON object.
// Bob is passive: nothing arrives at Alice, so a sync inside a refused talks
// operation has nothing to change either. Every 256 inputs Bob empties his
// mailbox (and Alice receives whatever that makes him send), so the relay's
// quota never turns sends into refusals.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "backchannel/app/channel.h"
#include "backchannel/app/error.h"
#include "backchannel/app/json.h"
#include "backchannel/app/request.h"
#include "backchannel/app/talks_desk.h"
#include "backchannel/client/client.h"
#include "backchannel/identity/authority.h"
#include "backchannel/identity/invitation.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/talks_client/service.h"
#include "testing/in_process_relay.h"

namespace {

using namespace backchannel;

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "app_execute: %s\n", what);
  std::abort();
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r) {
    std::fprintf(stderr, "app_execute set-up: %s: %s\n", what, r.error().ToString().c_str());
    std::abort();
  }
  return std::move(*r);
}

void Must(const Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "app_execute set-up: %s: %s\n", what, s.ToString().c_str());
    std::abort();
  }
}

// A two-issue agenda, small enough that any analysis a request asks for is
// instant.
negotiation::Domain Agenda() {
  negotiation::Domain d;
  d.name = "geneva";
  d.issues.push_back({"sanctions", negotiation::IssueKind::kDiscrete, {"kept", "eased", "lifted"}});
  d.issues.push_back(
      {"detainees", negotiation::IssueKind::kDiscrete, {"held", "transferred", "released"}});
  return d;
}

struct World {
  std::filesystem::path dir;
  std::shared_ptr<testing::InProcessRelay> relay;
  std::unique_ptr<client::Client> alice, bob;
  std::unique_ptr<talks_client::TalksService> alice_talks;

  client::ClientOptions Options(const std::string& name) const {
    client::ClientOptions o;
    o.home = (dir / name).string();
    o.kdf_cost = crypto::KdfCost::kInteractive;
    o.relay_timeout = std::chrono::milliseconds(5000);
    o.one_time_prekeys = 20;
    o.prekeys_low_water = 5;
    o.transport = relay;
    return o;
  }

  std::unique_ptr<client::Client> Make(const std::string& name, const std::string& side,
                                       const identity::Authority& authority) {
    auto c = Must(client::Client::Init(Options(name), SecretBytes(AsBytes("pw-" + name)),
                                       {relay->address(), relay->certificate_pin()}),
                  "init");
    const auto now = std::chrono::duration_cast<std::chrono::seconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
    identity::CredentialRequest req;
    req.identity_key = Must(c->store().GetIdentity(), "identity").key_pair.public_key;
    req.role = identity::Role::kEnvoy;
    req.display_name = name;
    req.not_before = now - 60;
    req.expiry = now + 365 * 24 * 3600;
    req.serial = side.size();
    Must(c->ImportCredential(Must(authority.Issue(req), "issue")), "import");
    return c;
  }

  World() {
    char tmpl[] = "/tmp/bc-fuzz-app-execute-XXXXXX";
    if (mkdtemp(tmpl) == nullptr) Fail("mkdtemp");
    dir = tmpl;
    relay = Must(testing::InProcessRelay::Start(), "relay");
    auto us = Must(identity::Authority::Generate("United States"), "authority");
    auto iran = Must(identity::Authority::Generate("Iran"), "authority");
    alice = Make("alice", "United States", us);
    bob = Make("bob", "Iran", iran);
    Must(alice->TrustAuthority(iran.public_key(), "Iran", client::TrustScope::Side("Iran")),
         "trust");
    Must(bob->TrustAuthority(us.public_key(), "United States",
                             client::TrustScope::Side("United States")),
         "trust");
    auto invitation = Must(alice->MakeInvitation(), "invitation");
    Must(bob->AcceptInvitation(invitation), "accept");
    Must(alice->Receive(), "receive");
    Must(bob->Receive(), "receive");
    alice_talks = std::make_unique<talks_client::TalksService>(*alice);
    Must(alice_talks->Create("geneva", "Geneva", Agenda(), {"United States", "Iran"}, ""), "talks");
  }

  ~World() {
    alice_talks.reset();
    alice.reset();
    bob.reset();
    relay.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir, ignored);
  }
};

// What a refused request must leave as it was, as one comparable text.
std::string Snapshot(World& w) {
  std::string out;
  auto add = [&out](const char* what, const app::Json& j) {
    out += what;
    out += app::Dump(j, false);
    out += '\n';
  };
  app::Channel channel(*w.alice, *w.alice_talks);
  for (const char* query : {R"({"op":"contacts"})", R"({"op":"trust.list"})", R"({"op":"pending"})",
                            R"({"op":"outbox"})"}) {
    auto request = app::DecodeRequest(query);
    if (!request) Fail("snapshot query does not decode");
    auto body = app::Execute(channel, *request);
    add(query, body ? *body : app::ErrorDocument(app::ErrorFrom(body.status())));
  }
  auto messages = w.alice->Messages("");
  out += "messages " + std::to_string(messages ? messages->size() : 0) + "\n";
  if (messages && !messages->empty())
    out += messages->back().id + " " + std::to_string(static_cast<int>(messages->back().delivery)) +
           "\n";
  auto talks = w.alice_talks->List();
  if (talks) {
    for (const auto& meta : *talks) {
      auto state = w.alice_talks->State(meta.id);
      out += meta.id + " " + std::to_string(state ? state->events().size() : 0) + "\n";
    }
  }
  auto status = w.alice->GetStatus();
  if (status) out += "outbox " + std::to_string(status->outbox) + "\n";
  return out;
}

World& TheWorld() {
  static World* world = new World();  // lives for the process (libFuzzer exits)
  return *world;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  World& w = TheWorld();
  static std::uint64_t inputs = 0;
  if (++inputs % 256 == 0) {
    // Bob empties his mailbox; whatever that makes him send is received by
    // Alice now, so no refused request below syncs it in.
    (void)w.bob->Receive();
    (void)w.alice->Receive();
  }

  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto request = app::DecodeRequest(text);
  if (!request) return 0;  // the decoder's own target (app_request) checks refusals

  const std::string before = Snapshot(w);
  app::Channel channel(*w.alice, *w.alice_talks);
  auto body = app::Execute(channel, *request);
  if (body) {
    if (!body->is_object()) Fail("an accepted request answered something other than an object");
    return 0;
  }
  const app::Error error = app::ErrorFrom(body.status());
  if (error.code.empty() || error.message.empty()) Fail("a refusal without a code or message");
  if (Snapshot(w) != before) {
    std::fprintf(stderr, "refused (%s: %s), yet the home changed\n", error.code.c_str(),
                 error.message.c_str());
    Fail("a refused request changed the home");
  }
  return 0;
}
