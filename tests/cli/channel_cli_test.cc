// The channel commands end to end: the real `backchannel` program and the
// real `backchanneld` on loopback; two envoys accredited by two authorities.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>

#include "cli/run_cli.h"
#include "client/temp_dir.h"
#include "testing/relay_process.h"

namespace {

using backchannel::client::testing::TempDir;
using backchannel::testing::RelayProcess;
using Json = nlohmann::json;

using CliRun = backchannel::testing::CliResult;

// Runs the CLI (`args` in shell syntax) with BACKCHANNEL_PASSPHRASE=`pass`,
// stderr merged into `out`.
CliRun Cli(const std::string& pass, const std::string& args) {
  return backchannel::testing::RunCliLine(
      args, {.env = "BACKCHANNEL_PASSPHRASE=" + backchannel::testing::ShellQuote(pass),
             .merge_stderr = true});
}

Json JsonOf(const CliRun& r) {
  try {
    return Json::parse(r.out);
  } catch (const Json::exception&) {
    ADD_FAILURE() << "not JSON: " << r.out;
    return Json::object();
  }
}

class ChannelCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto started = RelayProcess::StartOnAnyPort(BC_BACKCHANNELD_BINARY, relay_dir_.path());
    ASSERT_TRUE(started.has_value()) << started.status();
    relay_ = std::move(*started);
  }

  // init + authority + credential; returns the authority public key.
  std::string Envoy(const std::string& who, const std::string& side) {
    const std::string home = "--home " + dir_.File(who);
    CliRun init = Cli("pw-" + who, "init " + home + " --relay " + relay_->address() + " --pin " +
                                       relay_->pin() + " --kdf interactive --json");
    EXPECT_EQ(init.code, 0) << init.out;
    const std::string ik = JsonOf(init)["identity_key"];
    const std::string adir = "--dir " + dir_.File(who + "-authority");
    CliRun a =
        Cli("auth", "authority init " + adir + " --side '" + side + "' --kdf interactive --json");
    EXPECT_EQ(a.code, 0) << a.out;
    CliRun issue =
        Cli("auth", "authority issue " + adir + " --identity-key " + ik + " --role envoy --name " +
                        who + " --days 30 --out " + dir_.File(who + ".cred"));
    EXPECT_EQ(issue.code, 0) << issue.out;
    CliRun imp = Cli("pw-" + who, "credential import " + home + " " + dir_.File(who + ".cred"));
    EXPECT_EQ(imp.code, 0) << imp.out;
    CliRun show = Cli("auth", "authority show " + adir + " --json");
    EXPECT_EQ(show.code, 0) << show.out;
    return JsonOf(show)["public_key"];
  }

  std::string Home(const std::string& who) const { return "--home " + dir_.File(who); }

  // Alice (United States) and Bob (Iran) with an open channel.
  void Connected() {
    Envoy("alice", "United States");
    const std::string iran_key = Envoy("bob", "Iran");
    ASSERT_EQ(Cli("pw-alice", "trust add --side Iran " + Home("alice") + " -- " + iran_key).code,
              0);
    CliRun invite = Cli("pw-alice", "invite --json " + Home("alice"));
    ASSERT_EQ(invite.code, 0) << invite.out;
    const std::string code = JsonOf(invite)["code"];
    ASSERT_EQ(Cli("pw-bob", "accept --trust-authority " + code + " " + Home("bob")).code, 0);
    ASSERT_EQ(Cli("pw-alice", "inbox " + Home("alice")).code, 0);
    ASSERT_EQ(Cli("pw-bob", "inbox " + Home("bob")).code, 0);
  }

  TempDir relay_dir_;
  TempDir dir_;
  std::unique_ptr<RelayProcess> relay_;
};

// A base64url key starts with '-' once in 64 keys (the demo met one): `--`
// right after a repeatable option must still mark the key as the
// positional, and a key without `--` must not be swallowed into that
// option's list.
TEST_F(ChannelCliTest, RepeatableOptionTakesOneValueSoKeysReachTheirPositional) {
  Envoy("alice", "United States");
  const std::string dash_key = "-" + std::string(42, 'A');
  CliRun r =
      Cli("pw-alice", "trust add " + Home("alice") + " --side ICRC --side UN -- " + dash_key);
  ASSERT_EQ(r.code, 0) << r.out;
  const std::string plain_key = "B" + std::string(42, 'A');
  r = Cli("pw-alice", "trust add " + Home("alice") + " --side Iran " + plain_key);
  ASSERT_EQ(r.code, 0) << r.out;
  r = Cli("pw-alice", "trust list --json " + Home("alice"));
  ASSERT_EQ(r.code, 0) << r.out;
  EXPECT_NE(r.out.find(dash_key), std::string::npos) << r.out;
  EXPECT_NE(r.out.find(plain_key), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("\"UN\""), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("\"" + plain_key + "\"]"), std::string::npos) << r.out;
}

TEST_F(ChannelCliTest, TwoEnvoysTalkThroughTheRelay) {
  Envoy("alice", "United States");
  const std::string iran_key = Envoy("bob", "Iran");
  ASSERT_EQ(Cli("pw-alice", "trust add --side Iran " + Home("alice") + " -- " + iran_key).code, 0);

  CliRun invite = Cli("pw-alice", "invite --json " + Home("alice"));
  ASSERT_EQ(invite.code, 0) << invite.out;
  const std::string code = JsonOf(invite)["code"];
  CliRun accept = Cli("pw-bob", "accept --trust-authority " + code + " " + Home("bob") + " --json");
  ASSERT_EQ(accept.code, 0) << accept.out;
  EXPECT_EQ(JsonOf(accept)["contact"], "alice");

  CliRun inbox_a = Cli("pw-alice", "inbox --json " + Home("alice"));
  ASSERT_EQ(inbox_a.code, 0) << inbox_a.out;
  EXPECT_TRUE(JsonOf(inbox_a)["refused"].empty()) << inbox_a.out;
  ASSERT_EQ(Cli("pw-bob", "inbox " + Home("bob")).code, 0);

  ASSERT_EQ(Cli("pw-bob", "send alice 'We are ready.' " + Home("bob")).code, 0);
  ASSERT_EQ(Cli("pw-alice", "send bob 'Then let us begin.' " + Home("alice")).code, 0);
  CliRun a = Cli("pw-alice", "inbox bob " + Home("alice"));
  EXPECT_NE(a.out.find("bob: We are ready."), std::string::npos) << a.out;
  CliRun b = Cli("pw-bob", "inbox alice --json " + Home("bob"));
  bool found = false;
  const Json bj = JsonOf(b);
  for (const auto& m : bj["messages"]) found = found || m["body"] == "Then let us begin.";
  EXPECT_TRUE(found) << b.out;

  CliRun contacts = Cli("pw-alice", "contacts --json " + Home("alice"));
  ASSERT_EQ(contacts.code, 0);
  EXPECT_EQ(JsonOf(contacts)["contacts"][0]["verified"], true);

  CliRun fa = Cli("pw-alice", "fingerprint bob --json " + Home("alice"));
  CliRun fb = Cli("pw-bob", "fingerprint alice --json " + Home("bob"));
  EXPECT_EQ(JsonOf(fa)["safety_number"], JsonOf(fb)["safety_number"]);

  CliRun st = Cli("pw-alice", "status --json " + Home("alice"));
  ASSERT_EQ(st.code, 0) << st.out;
  EXPECT_EQ(JsonOf(st)["relay_reachable"], true);
}

TEST_F(ChannelCliTest, ExitCodes) {
  Envoy("alice", "United States");
  CliRun wrong = Cli("nope", "status " + Home("alice"));
  EXPECT_EQ(wrong.code, 1);
  EXPECT_NE(wrong.out.find("wrong passphrase"), std::string::npos) << wrong.out;
  EXPECT_EQ(Cli("pw-alice", "send nobody hi " + Home("alice")).code, 2);
  EXPECT_EQ(Cli("pw-alice", "accept not-a-code " + Home("alice")).code, 2);
  EXPECT_EQ(Cli("pw-alice", "send " + Home("alice")).code, 2);
  EXPECT_EQ(Cli("x", "status --home " + dir_.File("missing")).code, 2);
  CliRun again = Cli("pw-alice", "init " + Home("alice") + " --relay " + relay_->address() +
                                     " --pin " + relay_->pin());
  EXPECT_EQ(again.code, 1) << again.out;
  CliRun bad_pin = Cli("pw", "init --home " + dir_.File("c") + " --relay " + relay_->address() +
                                 " --pin " + std::string(64, '0') + " --kdf interactive");
  EXPECT_EQ(bad_pin.code, 1);
  EXPECT_NE(bad_pin.out.find("does not match the pin"), std::string::npos) << bad_pin.out;
}

TEST_F(ChannelCliTest, ListenReconnectsAfterARelayRestart) {
  Envoy("alice", "United States");
  const std::string iran_key = Envoy("bob", "Iran");
  ASSERT_EQ(Cli("pw-alice", "trust add --side Iran " + Home("alice") + " -- " + iran_key).code, 0);
  CliRun invite = Cli("pw-alice", "invite --json " + Home("alice"));
  ASSERT_EQ(invite.code, 0) << invite.out;
  const std::string code = JsonOf(invite)["code"];
  ASSERT_EQ(Cli("pw-bob", "accept --trust-authority " + code + " " + Home("bob")).code, 0);
  ASSERT_EQ(Cli("pw-alice", "inbox " + Home("alice")).code, 0);
  ASSERT_EQ(Cli("pw-bob", "inbox " + Home("bob")).code, 0);

  ASSERT_EQ(Cli("pw-bob", "send alice 'before the restart' " + Home("bob")).code, 0);
  backchannel::testing::CliResult listen;
  std::thread listener([&] {
    listen = backchannel::testing::RunCliLine("listen --for 20 --count 2 " + Home("alice"),
                                              {.env = "BACKCHANNEL_PASSPHRASE=pw-alice"});
  });
  // Connected once the first message was pushed and acknowledged.
  bool connected = false;
  for (int i = 0; i < 100 && !connected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    CliRun st = Cli("pw-alice", "status --json " + Home("alice"));
    connected = st.code == 0 && JsonOf(st).value("queued", -1) == 0;
  }
  EXPECT_TRUE(connected);
  const std::string port = std::to_string(relay_->port());
  relay_->Signal(SIGKILL);
  std::this_thread::sleep_for(std::chrono::seconds(1));
  auto restarted = RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(restarted.has_value()) << restarted.status();
  relay_ = std::move(*restarted);
  ASSERT_EQ(Cli("pw-bob", "send alice 'after the restart' " + Home("bob")).code, 0);
  listener.join();

  EXPECT_EQ(listen.code, 0) << listen.out << listen.err;
  EXPECT_NE(listen.out.find("bob: before the restart"), std::string::npos) << listen.out;
  EXPECT_NE(listen.out.find("bob: after the restart"), std::string::npos) << listen.out;
  EXPECT_NE(listen.err.find("* reconnected to the relay"), std::string::npos) << listen.err;
}

}  // namespace

TEST_F(ChannelCliTest, HostileTextCannotForgeLinesOrDriveTheTerminal) {
  Connected();
  const std::string hostile = "fine\n* Alice left the talks.\x1b[2J\xe2\x80\xae\r\nalice: I accept";
  CliRun sent =
      backchannel::testing::RunCli({"send", "alice", hostile, "--home", dir_.File("bob")},
                                   {.env = "BACKCHANNEL_PASSPHRASE=pw-bob", .merge_stderr = true});
  ASSERT_EQ(sent.code, 0) << sent.out;
  CliRun inbox = Cli("pw-alice", "inbox bob " + Home("alice"));
  ASSERT_EQ(inbox.code, 0) << inbox.out;
  EXPECT_EQ(inbox.out.find('\x1b'), std::string::npos) << "no raw escape reaches the terminal";
  EXPECT_EQ(inbox.out.find("\xe2\x80\xae"), std::string::npos) << "no raw bidi override";
  EXPECT_NE(inbox.out.find("bob: fine\n"
                           "   | * Alice left the talks.\\u001b[2J\\u202e\n"
                           "   | alice: I accept\n"),
            std::string::npos)
      << inbox.out;
  // In JSON the text is intact (escaped by JSON itself).
  CliRun json = Cli("pw-alice", "inbox bob --json " + Home("alice"));
  ASSERT_EQ(json.code, 0) << json.out;
  bool found = false;
  const Json parsed = JsonOf(json);  // kept alive for the loop
  for (const auto& m : parsed["messages"]) found = found || m["body"] == hostile;
  EXPECT_TRUE(found) << json.out;
}

TEST_F(ChannelCliTest, ASendWhileTheRelayIsDownIsQueuedAndGoesOutLater) {
  Connected();
  const std::string port = std::to_string(relay_->port());
  ASSERT_EQ(relay_->Signal(SIGKILL), 128 + SIGKILL);
  relay_.reset();

  CliRun sent = Cli("pw-bob", "send alice 'while the relay was down' --json " + Home("bob"));
  ASSERT_EQ(sent.code, 0) << sent.out;
  EXPECT_EQ(JsonOf(sent)["state"], "queued") << sent.out;
  CliRun text = Cli("pw-bob", "send alice 'second' " + Home("bob"));
  ASSERT_EQ(text.code, 0) << text.out;
  EXPECT_NE(text.out.find("queued for alice"), std::string::npos) << text.out;
  CliRun st = Cli("pw-bob", "status --json " + Home("bob"));
  ASSERT_EQ(st.code, 0) << st.out;
  EXPECT_EQ(JsonOf(st)["outbox"], 2) << st.out;
  CliRun offline = Cli("pw-bob", "inbox alice --offline " + Home("bob"));
  EXPECT_NE(offline.out.find("you -> alice [queued]: while the relay was down"), std::string::npos)
      << offline.out;

  auto restarted = RelayProcess::Start(
      BC_BACKCHANNELD_BINARY, {"--listen", "127.0.0.1:" + port, "--data", relay_dir_.path()});
  ASSERT_TRUE(restarted.has_value()) << restarted.status();
  relay_ = std::move(*restarted);
  CliRun flushed = Cli("pw-bob", "outbox --flush --json " + Home("bob"));
  ASSERT_EQ(flushed.code, 0) << flushed.out;
  EXPECT_EQ(JsonOf(flushed)["sent"], 2) << flushed.out;
  EXPECT_TRUE(JsonOf(flushed)["queued"].empty()) << flushed.out;
  CliRun inbox = Cli("pw-alice", "inbox bob " + Home("alice"));
  const auto first = inbox.out.find("bob: while the relay was down");
  const auto second = inbox.out.find("bob: second");
  ASSERT_NE(first, std::string::npos) << inbox.out;
  ASSERT_NE(second, std::string::npos) << inbox.out;
  EXPECT_LT(first, second) << "in the order they were sent";
}

TEST_F(ChannelCliTest, ARequestKeptForAnUntrustedAuthorityCompletesWhenItIsTrusted) {
  Envoy("alice", "United States");
  const std::string iran_key = Envoy("bob", "Iran");
  CliRun invite = Cli("pw-alice", "invite --json " + Home("alice"));
  ASSERT_EQ(invite.code, 0) << invite.out;
  const std::string code = JsonOf(invite)["code"];
  CliRun refused = Cli("pw-bob", "accept " + code + " " + Home("bob"));
  EXPECT_EQ(refused.code, 1) << refused.out;
  EXPECT_NE(refused.out.find("--trust-authority"), std::string::npos) << refused.out;
  ASSERT_EQ(Cli("pw-bob", "accept --trust-authority " + code + " " + Home("bob")).code, 0);

  CliRun inbox = Cli("pw-alice", "inbox " + Home("alice"));
  ASSERT_EQ(inbox.code, 0) << inbox.out;
  EXPECT_NE(inbox.out.find("trust add --side 'Iran' --roles envoy -- " + iran_key),
            std::string::npos)
      << inbox.out;
  CliRun pending = Cli("pw-alice", "trust pending --json " + Home("alice"));
  ASSERT_EQ(pending.code, 0) << pending.out;
  const Json pj = JsonOf(pending);
  ASSERT_EQ(pj["pending"].size(), 1U) << pending.out;
  EXPECT_EQ(pj["pending"][0]["authority_key"], iran_key);

  CliRun trusted =
      Cli("pw-alice", "trust add --side Iran --roles envoy " + Home("alice") + " -- " + iran_key);
  ASSERT_EQ(trusted.code, 0) << trusted.out;
  EXPECT_NE(trusted.out.find("bob (envoy of Iran"), std::string::npos) << trusted.out;
  CliRun list = Cli("pw-alice", "trust list --json " + Home("alice"));
  ASSERT_EQ(list.code, 0) << list.out;
  bool scoped = false;
  const Json lj = JsonOf(list);
  for (const auto& a : lj["authorities"]) {
    if (a["key"] == iran_key)
      scoped = a["sides"] == Json::array({"Iran"}) && a["roles"] == Json::array({"envoy"});
  }
  EXPECT_TRUE(scoped) << list.out;
  EXPECT_TRUE(JsonOf(Cli("pw-alice", "trust pending --json " + Home("alice")))["pending"].empty());
  EXPECT_EQ(
      Cli("pw-alice", "trust add --side Iran --roles spy " + Home("alice") + " -- " + iran_key)
          .code,
      2);
}
