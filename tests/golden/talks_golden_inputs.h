// The fixed inputs behind the talks and payload golden vectors in
// tests/golden/data/talks/ and data/payload/: talks_generate_golden fed them
// to the encoders of commit 21fb092 (before talks::Message and
// client::Payload became one struct per type) once, and talks_golden_test
// checks that today's encoders reproduce those committed bytes and decode
// them back to these values. Changing a value here breaks the test.
#ifndef BACKCHANNEL_TESTS_GOLDEN_TALKS_GOLDEN_INPUTS_H_
#define BACKCHANNEL_TESTS_GOLDEN_TALKS_GOLDEN_INPUTS_H_

#include <cstdint>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "backchannel/client/payload.h"
#include "backchannel/common/encoding.h"
#include "backchannel/crypto/encoding.h"
#include "backchannel/talks/message.h"
#include "backchannel/talks/record.h"

namespace backchannel::golden {

// "02" followed by 64 hex digits of n: the shape of a 33-byte identity key.
inline std::string GoldenMember(unsigned n) {
  char buf[67];
  std::snprintf(buf, sizeof buf, "02%064x", n);
  return buf;
}

// ---- talks messages: one per type, and every action kind and move ----

inline talks::Message GoldenMessage(const std::string& mid, const talks::Scope& scope,
                                    talks::Message::Body body) {
  talks::Message m;
  m.talks = "geneva-1";
  m.mid = mid;
  m.from = GoldenMember(1);
  m.scope = scope;
  m.time_ms = 1'700'000'000'123;
  m.body = std::move(body);
  return m;
}

inline talks::Scope GoldenPlenary() { return {talks::ScopeKind::kPlenary, "", ""}; }
inline talks::Scope GoldenInternal() { return {talks::ScopeKind::kInternal, "Iran", ""}; }
inline talks::Scope GoldenCaucus() { return {talks::ScopeKind::kCaucus, "Iran", ""}; }
inline talks::Scope GoldenDirect() { return {talks::ScopeKind::kDirect, "", GoldenMember(2)}; }

inline talks::PackageSpec GoldenPackage() {
  return {{"enrichment", "capped"}, {"sanctions", "eased"}};
}

inline std::vector<talks::Member> GoldenMembers() {
  return {{GoldenMember(1), "Brahimi", "", talks::Role::kMediator},
          {GoldenMember(2), "Zarif", "Iran", talks::Role::kEnvoy},
          {GoldenMember(3), "Leader", "Iran", talks::Role::kPrincipal},
          {GoldenMember(4), "ICRC", "", talks::Role::kGuarantor}};
}

// The actions, by name: every kind, every move, each optional field set once.
inline std::vector<std::pair<std::string, talks::Action>> GoldenActions() {
  using talks::Action;
  using K = negotiation::MoveKind;
  std::vector<std::pair<std::string, Action>> out;
  Action a;
  a.kind = Action::Kind::kMove;
  a.move = K::kPropose;
  a.authority = talks::Authority::kExploratory;
  a.package = GoldenPackage();
  a.conditions = {{"transfer supervised by the ICRC", GoldenMember(4)}};
  out.emplace_back("propose", a);
  a = Action{};
  a.move = K::kCounter;
  a.target = 3;
  a.package = {{"sanctions", "lifted"}};
  out.emplace_back("counter", a);
  a = Action{};
  a.move = K::kAccept;
  a.target = 4;
  out.emplace_back("accept", a);
  a = Action{};
  a.move = K::kAccept;
  a.suggestion = "s1";
  out.emplace_back("accept_suggestion", a);
  a = Action{};
  a.move = K::kReject;
  a.target = 2;
  a.reason = "no \"snapback\" clause";
  out.emplace_back("reject", a);
  a = Action{};
  a.move = K::kWithdraw;
  a.target = 5;
  out.emplace_back("withdraw", a);
  a = Action{};
  a.move = K::kRatify;
  out.emplace_back("ratify", a);
  a = Action{};
  a.kind = Action::Kind::kSuggest;
  a.package = GoldenPackage();
  a.note = "a bridge — both can live with";
  a.conditions = {{"inspections within 30 days", GoldenMember(4)}};
  out.emplace_back("suggest", a);
  a = Action{};
  a.kind = Action::Kind::kSuspend;
  a.reason = "consultations";
  out.emplace_back("suspend", a);
  a = Action{};
  a.kind = Action::Kind::kResume;
  out.emplace_back("resume", a);
  a = Action{};
  a.kind = Action::Kind::kCondition;
  a.condition = "c1";
  a.status = talks::ConditionStatus::kMet;
  a.reason = "seen at the site";
  out.emplace_back("condition", a);
  // Added after 21fb092 (from the same encoder, before the refactor): the
  // Track 2 idea, with and without a note.
  a = Action{};
  a.kind = Action::Kind::kIdea;
  a.package = {{"inspections", "ad_hoc"}};
  a.note = "an unofficial thought";
  out.emplace_back("idea", a);
  return out;
}

// Every vector: file name (without .hex) → message.
inline std::vector<std::pair<std::string, talks::Message>> GoldenTalksMessages() {
  using M = talks::Message;
  std::vector<std::pair<std::string, talks::Message>> out;
  talks::Definition d;
  d.title = "Geneva back-channel";
  d.agenda = R"({"name":"grand bargain","issues":[]})";
  d.sides = {"United States", "Iran"};
  d.host = GoldenMember(1);
  d.members = GoldenMembers();
  d.rule = "approve=Leader";
  out.emplace_back("definition", GoldenMessage("def-1", GoldenDirect(), d));
  d = talks::Definition{};
  d.title = "no rule";
  d.agenda = "{}";
  d.sides = {"A", "B"};
  d.host = GoldenMember(1);
  d.members = {GoldenMembers()[0]};
  out.emplace_back("definition_norule", GoldenMessage("def-2", GoldenDirect(), d));
  out.emplace_back("roster", GoldenMessage("roster-1", GoldenInternal(),
                                           M::Roster{{GoldenMembers()[2]}, "approve=Leader"}));
  out.emplace_back("roster_norule",
                   GoldenMessage("roster-2", GoldenPlenary(),
                                 M::Roster{{GoldenMembers()[1], GoldenMembers()[3]}, ""}));
  out.emplace_back("chat", GoldenMessage("chat-1", GoldenCaucus(),
                                         M::Chat{"could you live with \"capped\"?\nünïcode",
                                                 talks::Authority::kExploratory}));
  out.emplace_back("chat_cleared",
                   GoldenMessage("chat-2", GoldenPlenary(),
                                 M::Chat{"cleared words", talks::Authority::kCleared}));
  for (const auto& [name, action] : GoldenActions()) {
    out.emplace_back("submit_" + name,
                     GoldenMessage("submit-" + name, GoldenDirect(), M::Submit{action, ""}));
    out.emplace_back("event_" + name, GoldenMessage("event-" + name, GoldenPlenary(),
                                                    M::Event{action, 7, "submit-" + name, "Iran",
                                                             GoldenMember(2), ""}));
  }
  talks::Action tabled = GoldenActions()[0].second;
  tabled.authority = talks::Authority::kCleared;
  out.emplace_back("submit_tabled_draft",
                   GoldenMessage("submit-tabled", GoldenDirect(), M::Submit{tabled, "d1"}));
  // resume, by a mediator: no side, no ref
  out.emplace_back("event_bare", GoldenMessage("event-bare", GoldenPlenary(),
                                               M::Event{GoldenActions()[9].second, 1, "", "",
                                                        GoldenMember(1), ""}));
  out.emplace_back("refusal", GoldenMessage("refusal-1", GoldenDirect(),
                                            M::Refusal{"submit-accept",
                                                       "move #4 is not an offer on the table"}));
  for (const auto& [name, action] : GoldenActions()) {
    if (action.kind != talks::Action::Kind::kMove) continue;  // drafts are moves only
    out.emplace_back("draft_" + name,
                     GoldenMessage("draft-" + name, GoldenInternal(), M::Draft{action, "d2", ""}));
  }
  out.emplace_back("draft_revises", GoldenMessage("draft-revision", GoldenInternal(),
                                                  M::Draft{GoldenActions()[0].second, "d3", "d2"}));
  out.emplace_back("verdict_approve",
                   GoldenMessage("verdict-1", GoldenInternal(), M::Verdict{"d2", true, ""}));
  out.emplace_back("verdict_veto", GoldenMessage("verdict-2", GoldenInternal(),
                                                 M::Verdict{"d3", false, "too soft on sanctions"}));
  out.emplace_back("profile",
                   GoldenMessage("profile-1", GoldenDirect(),
                                 M::Profile{"Iran", R"({"name":"iran","weights":[1]})"}));
  out.emplace_back("float", GoldenMessage("float-1", GoldenCaucus(),
                                          M::Float{GoldenPackage(), "think about it"}));
  out.emplace_back("float_nonote", GoldenMessage("float-2", GoldenCaucus(),
                                                 M::Float{{{"inspections", "ad_hoc"}}, ""}));
  // Added after 21fb092, from the same encoder and before the refactor: the
  // optional fields the first set left unset.
  d = talks::Definition{};
  d.title = "E3/EU+3";
  d.agenda = "{}";
  d.sides = {"E3/EU+3", "Iran"};
  d.host = GoldenMember(1);
  d.members = GoldenMembers();
  // The keys 0x11…, 0x22…, 0x33… (their hex, "1111…", is what the vector holds).
  auto key_of_bytes = [](std::uint8_t b) {
    AuthorityPublicKey::Array bytes;
    bytes.fill(b);
    return AuthorityPublicKey(bytes);
  };
  d.side_authorities = {{"E3/EU+3", {key_of_bytes(0x11), key_of_bytes(0x22)}},
                        {"Iran", {key_of_bytes(0x33)}}};
  out.emplace_back("definition_coalition", GoldenMessage("def-3", GoldenDirect(), d));
  out.emplace_back("chat_own",
                   GoldenMessage("chat-3", GoldenPlenary(),
                                 M::Chat{"on my own authority", talks::Authority::kOwn}));
  talks::Action own = GoldenActions()[0].second;
  own.authority = talks::Authority::kOwn;
  out.emplace_back("submit_own", GoldenMessage("submit-own", GoldenDirect(), M::Submit{own, ""}));
  out.emplace_back("event_tabled_draft", GoldenMessage("event-tabled", GoldenPlenary(),
                                                       M::Event{tabled, 9, "submit-tabled", "Iran",
                                                                GoldenMember(2), "d1"}));
  return out;
}

// ---- client payloads: each kind ----

// The reply's mailbox id and token: real-sized (16 and 32 bytes) since the
// client types them. The first vectors carried a 14- and a 12-byte value,
// which a typed reader refuses; they are kept as payload/*_short_ids.hex
// (README.md, "Regenerated").
inline constexpr std::string_view kGoldenReplyMailbox = "bWFpbGJveC1nb2xkZW4tMQ";
inline constexpr std::string_view kGoldenReplyToken = "dG9rZW4tZ29sZGVuLWRlbGl2ZXJ5LXRva2VuLTAwMzI";

inline client::Address GoldenReply() {
  return {
      "relay.example:8443",
      FromHexFixed<CertificatePin>(
          "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff")
          .value(),
      FromBase64Fixed<MailboxId>(kGoldenReplyMailbox, Base64Variant::kUrlSafeNoPadding).value(),
      FromBase64Fixed<DeliveryToken>(kGoldenReplyToken, Base64Variant::kUrlSafeNoPadding).value()};
}

inline std::vector<std::pair<std::string, client::Payload>> GoldenPayloads() {
  const Bytes credential = ToBytes("golden credential bytes");
  return {
      {"text", client::Text{"hello — über \"quoted\""}},
      {"text_empty", client::Text{}},
      {"hello", client::Hello{credential, GoldenReply(), "it's me", {}}},
      {"hello_notext", client::Hello{credential, GoldenReply(), "", {}}},
      {"reset", client::Reset{credential, GoldenReply(), "lost my phone"}},
      {"app", client::App{"talks", ToBytes(std::string_view("{\"v\":1}\x00\xff", 9))}},
  };
}

// ---- a record hash chain: three entries ----

inline std::vector<talks::RecordEntry> GoldenRecordEntries() {
  std::vector<talks::RecordEntry> out(3);
  out[0].time_ms = 1'700'000'000'000;
  out[0].direction = "out";
  out[0].peer = "";
  out[0].message = R"({"v":1,"type":"definition"})";
  out[1].time_ms = 1'700'000'000'500;
  out[1].direction = "in";
  out[1].peer = GoldenMember(2);
  out[1].message = R"({"v":1,"type":"chat","text":"ünï"})";
  out[2].time_ms = 1'700'000'001'000;
  out[2].direction = "out";
  out[2].peer = GoldenMember(2) + "," + GoldenMember(3);
  out[2].message = R"({"v":1,"type":"event","seq":1})";
  return out;
}

}  // namespace backchannel::golden

#endif  // BACKCHANNEL_TESTS_GOLDEN_TALKS_GOLDEN_INPUTS_H_
