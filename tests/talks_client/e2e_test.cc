// Talks over the channel, end to end, for what only the real backchanneld
// shows: a member offline while the relay restarts catches up in order.
// Everything else runs on the in-process layer (talks_test.cc), but for
// Track 2 (issue 16), shown here over the real relay end to end.
#include <gtest/gtest.h>
#include <signal.h>

#include "backchannel/app/talks_view.h"
#include "talks_client/talks_fixture.h"

namespace backchannel::talks_client {
namespace {

// 9. Offline for a while, relay restarted: catching up in order.
TEST_F(TalksE2eTest, OfflineMemberCatchesUpAfterRelayRestart) {
  Close(*zarif_);
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 1", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Act(
      kId,
      Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "transferred")),
      "", nullptr));
  SyncAll();
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 2", Authority::kExploratory));
  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kSuspend, "elections"), "", nullptr));
  SyncAll();

  // The relay restarts on the same port and data.
  const std::string pin = relay_->pin();
  const std::string port = std::to_string(relay_->port());
  relay_->Signal(SIGTERM);
  relay_.reset();
  // While the relay is down, a message is recorded and stays in the outbox.
  {
    auto r = brahimi_->talks->Chat(kId, Scope{}, "note while down", Authority::kExploratory);
    ASSERT_TRUE(r.has_value()) << r.status();
    EXPECT_GT(r->queued, 0U);
    EXPECT_FALSE(brahimi_->talks->Sync().has_value()) << "no relay to receive from";
  }
  auto restarted = RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(restarted.has_value()) << restarted.status();
  relay_ = std::move(*restarted);
  ASSERT_EQ(relay_->pin(), pin);

  ASSERT_OK(crocker_->talks->Act(kId, Kind(Action::Kind::kResume), "", nullptr));
  ASSERT_OK(brahimi_->talks->Chat(kId, Scope{}, "note 3", Authority::kExploratory));
  SyncAll();
  ASSERT_EQ(St(*brahimi_).last_seq(), 3U);

  Reopen(*zarif_);
  SyncAll();
  auto z = St(*zarif_);
  EXPECT_EQ(z.last_seq(), 3U);
  EXPECT_FALSE(z.suspension().has_value());
  EXPECT_EQ(NegotiationJson(*zarif_), NegotiationJson(*brahimi_));
  ASSERT_EQ(z.negotiation().history().size(), 1U);

  // Brahimi's notes arrive in the order he wrote them; events in seq order.
  std::vector<std::string> notes;
  std::vector<std::uint64_t> seqs;
  for (const auto& e : Entries(*zarif_)) {
    if (const auto* chat = std::get_if<talks::Message::Chat>(&e.message.body)) {
      notes.push_back(chat->text);
    }
    if (const auto* event = std::get_if<talks::Message::Event>(&e.message.body)) {
      seqs.push_back(event->seq);
    }
  }
  EXPECT_EQ(notes, (std::vector<std::string>{"note 1", "note 2", "note while down", "note 3"}));
  EXPECT_EQ(seqs, (std::vector<std::uint64_t>{1, 2, 3}));
  EXPECT_EQ(RecordCount(*zarif_) > 0, true);

  // And he is fully back: his move goes through.
  ASSERT_OK(zarif_->talks->Act(
      kId,
      Move(MoveKind::kCounter, Authority::kExploratory, Package("limited", "eased", "transferred"),
           z.negotiation().history()[0].id),
      "", nullptr));
  SyncAll();
  EXPECT_EQ(St(*crocker_).negotiation().history().size(), 2U);
  EXPECT_EQ(NegotiationJson(*crocker_), NegotiationJson(*zarif_));
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}
// 10. A Track 2 participant (issue 16): accredited by its own authority,
// trusted for the track2 role only, seated by the host; its plenary words
// and its idea reach the table labelled unofficial on every client, in the
// record's export and in the view model; its own client refuses to send
// words marked cleared or a move.
TEST_F(TalksE2eTest, Track2WordsAndIdeasAreUnofficialEverywhere) {
  auto pugwash_authority = identity::Authority::Generate("Pugwash Conferences");
  ASSERT_TRUE(pugwash_authority.has_value()) << pugwash_authority.status();
  Person* pugwash = Add("Pugwash", *pugwash_authority, identity::Role::kTrack2);
  ASSERT_FALSE(HasFailure());
  for (Person* p : {brahimi_, crocker_, zarif_, icrc_}) {
    ASSERT_OK(p->client->TrustAuthority(pugwash_authority->public_key(), "Pugwash",
                                        {{"Pugwash Conferences"}, {identity::Role::kTrack2}}));
    Connect(*p, *pugwash);
    ASSERT_FALSE(HasFailure());
  }
  pugwash->talks = std::make_unique<TalksService>(*pugwash->client);
  // Its credential says track2: it cannot be seated as anything else.
  EXPECT_THAT(brahimi_->talks->Invite(kId, "Pugwash", Role::kEnvoy),
              StatusIs(StatusCode::kFailedPrecondition));
  ASSERT_OK(brahimi_->talks->Invite(kId, "Pugwash", Role::kTrack2));
  SyncAll();
  ASSERT_OK(pugwash->talks->Join(kId, "", ""));
  SyncAll();

  ASSERT_OK(pugwash->talks->Chat(kId, Scope{}, "what if enrichment stayed limited?",
                                 Authority::kExploratory));
  EXPECT_THAT(pugwash->talks->Chat(kId, Scope{}, "my government agrees", Authority::kCleared),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(pugwash->talks->Chat(kId, Scope{ScopeKind::kCaucus, kIran, ""}, "psst",
                                   Authority::kExploratory),
              StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_THAT(
      pugwash->talks->Act(
          kId, Move(MoveKind::kPropose, Authority::kExploratory, Package("none", "eased", "held")),
          "", nullptr),
      StatusIs(StatusCode::kFailedPrecondition));
  Action idea;
  idea.kind = Action::Kind::kIdea;
  idea.package = {{"enrichment", "limited"}, {"sanctions", "eased"}};
  idea.note = "a thought from the outside";
  ASSERT_OK(pugwash->talks->Act(kId, idea, "", nullptr));
  SyncAll();

  for (Person* p : {brahimi_, crocker_, zarif_, icrc_, pugwash, state_}) {
    auto st = St(*p);
    ASSERT_EQ(st.ideas().size(), 1U) << p->name;
    EXPECT_TRUE(st.negotiation().history().empty()) << p->name << ": an idea is not a move";
  }
  for (Person* p : {crocker_, zarif_}) {
    auto md = p->talks->ExportRecord(kId, "md");
    ASSERT_TRUE(md.has_value()) << md.status();
    EXPECT_TRUE(Contains(*md, "[plenary, unofficial (Track 2)] Pugwash (track2): what if")) << *md;
    EXPECT_TRUE(Contains(*md,
                         "i1: Pugwash (track2) floats an idea [unofficial (Track 2), "
                         "non-binding] {enrichment=limited, sanctions=eased}"))
        << *md;
    const app::TalksView view = app::BuildTalksView(St(*p), true, "");
    ASSERT_EQ(view.ideas.size(), 1U);
    EXPECT_EQ(view.ideas[0].authority, "unofficial");
    EXPECT_EQ(view.ideas[0].label, "unofficial (Track 2)");
    EXPECT_EQ(app::TalksViewJson(view)["ideas"][0]["binding"], false);
  }
  // The principals never see Track 2's words, only the table's events.
  for (const auto& e : Entries(*state_)) {
    EXPECT_FALSE(std::holds_alternative<talks::Message::Chat>(e.message.body))
        << "a principal saw plenary words";
  }
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

// 11. Honest labels over the wire: Zarif's side has no clearance rule, so
// his "cleared" accept goes out on his own authority and is shown so to the
// other side; Crocker's, cleared at home, is shown cleared.
TEST_F(TalksE2eTest, MovesOfASideWithoutARuleAreOnTheEnvoysOwnAuthority) {
  ASSERT_OK(zarif_->talks->Act(
      kId, Move(MoveKind::kPropose, Authority::kCleared, Package("limited", "eased", "released")),
      "", nullptr));
  SyncAll();
  for (Person* p : {brahimi_, crocker_, zarif_}) {
    auto st = St(*p);
    ASSERT_EQ(st.negotiation().history().size(), 1U) << p->name;
    EXPECT_EQ(st.move_info().begin()->second.authority, Authority::kOwn) << p->name;
    const app::TalksView view = app::BuildTalksView(st, true, "");
    EXPECT_EQ(view.moves[0].authority, "own");
    EXPECT_EQ(view.moves[0].label, "on the envoy's own authority");
  }
  auto md = crocker_->talks->ExportRecord(kId, "md");
  ASSERT_TRUE(md.has_value()) << md.status();
  EXPECT_TRUE(Contains(*md, "proposes [on the envoy's own authority]")) << *md;
  EXPECT_FALSE(Contains(*md, "[cleared]")) << *md;
  EXPECT_TRUE(refused_.empty()) << refused_.front();
}

}  // namespace
}  // namespace backchannel::talks_client
