// Talks over the channel, end to end, for what only the real backchanneld
// shows: a member offline while the relay restarts catches up in order.
// Everything else runs on the in-process layer (talks_test.cc).
#include <gtest/gtest.h>
#include <signal.h>

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
    if (e.message.type == talks::Message::Type::kChat) notes.push_back(e.message.text);
    if (e.message.type == talks::Message::Type::kEvent) seqs.push_back(e.message.seq);
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
}  // namespace
}  // namespace backchannel::talks_client
