// backchannel_demo: two envoys, in one process for now, open an end-to-end
// encrypted session from a prekey bundle and talk both ways. For each message
// it prints the wire bytes beside the plaintext, then both safety numbers.
// Later issues grow this into the seeds' full scenario over a real relay.
#include <cstdio>
#include <exception>
#include <string>
#include <vector>

#include "backchannel/common/encoding.h"
#include "backchannel/session/fingerprint.h"
#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"

namespace {

using backchannel::AsBytes;
using backchannel::AsString;
using backchannel::HexPreview;
using backchannel::session::CiphertextMessage;
using backchannel::session::Session;
namespace session = backchannel::session;

struct Envoy {
  std::string name;
  std::string stable_id;
  session::IdentityKeyPair identity = session::GenerateIdentityKeyPair();
  std::uint32_t registration_id = session::GenerateRegistrationId();
};

// The first 16 and the last 8 bytes (the truncated MAC) of a wire message.
std::string WirePreview(backchannel::ByteView b) {
  if (b.size() <= 24) return backchannel::ToHex(b);
  return backchannel::ToHex(b.first(16)) + "…" + backchannel::ToHex(b.last(8));
}

const char* TypeName(CiphertextMessage::Type t) {
  return t == CiphertextMessage::Type::kPreKey ? "PreKeySignalMessage" : "SignalMessage";
}

// Sends `text` from one envoy's session to the other's and prints both ends.
bool Exchange(const Envoy& from, Session& sender, const Envoy& to, Session& receiver,
              const std::string& text) {
  auto wire = sender.Encrypt(AsBytes(text));
  if (!wire) {
    std::fprintf(stderr, "encrypt failed: %s\n", wire.error().ToString().c_str());
    return false;
  }
  auto plain = receiver.Decrypt(*wire);
  if (!plain) {
    std::fprintf(stderr, "decrypt failed: %s\n", plain.error().ToString().c_str());
    return false;
  }
  std::printf("%s -> %s  [%s, %zu bytes]\n", from.name.c_str(), to.name.c_str(),
              TypeName(wire->type), wire->bytes.size());
  std::printf("   wire : %s\n", WirePreview(wire->bytes).c_str());
  std::printf("   reads: \"%s\"\n\n", std::string(AsString(*plain)).c_str());
  return true;
}

}  // namespace

// Whatever throws (an allocation, a bad optional access) ends the demo with a
// message and status 1 rather than in std::terminate.
int main() try {
  Envoy us{"US envoy (New York)", "us-envoy@un"};
  Envoy iran{"Iran envoy (Geneva)", "ir-envoy@iaea"};

  std::printf("== backchannel demo: a session between two envoys ==\n\n");

  // The Iranian envoy publishes prekeys: a signed prekey and one-time prekeys.
  session::InMemoryPreKeyStore iran_prekeys;
  iran_prekeys.AddSigned(session::GenerateSignedPreKey(iran.identity, 1));
  for (std::uint32_t id = 1; id <= 3; ++id)
    iran_prekeys.AddOneTime(session::GenerateOneTimePreKey(id));
  const auto bundle = iran_prekeys.MakeBundle(iran.identity, iran.registration_id, 1, 1);
  const auto bundle_bytes = session::EncodePreKeyBundle(bundle);
  std::printf("%s publishes a prekey bundle (%zu bytes): %s\n\n", iran.name.c_str(),
              bundle_bytes.size(), HexPreview(bundle_bytes, 24).c_str());

  // The US envoy fetches it, checks the signed prekey, and runs X3DH.
  auto decoded = session::DecodePreKeyBundle(bundle_bytes);
  auto us_session = decoded ? Session::Initiate(us.identity, us.registration_id, *decoded)
                            : backchannel::Result<Session>(decoded.error());
  if (!us_session) {
    std::fprintf(stderr, "could not start the session: %s\n",
                 us_session.error().ToString().c_str());
    return 1;
  }

  // First message: the Iranian envoy builds its side of the session from it.
  const std::string opening =
      "We would discuss all issues on the table, in this channel, unofficially.";
  auto first = us_session->Encrypt(AsBytes(opening));
  auto accepted = Session::Accept(iran.identity, iran.registration_id, iran_prekeys, first->bytes);
  if (!accepted) {
    std::fprintf(stderr, "could not accept the session: %s\n", accepted.error().ToString().c_str());
    return 1;
  }
  if (accepted->consumed_one_time_pre_key)
    iran_prekeys.RemoveOneTime(*accepted->consumed_one_time_pre_key);
  std::printf("%s -> %s  [%s, %zu bytes]\n", us.name.c_str(), iran.name.c_str(),
              TypeName(first->type), first->bytes.size());
  std::printf("   wire : %s\n", WirePreview(first->bytes).c_str());
  std::printf("   reads: \"%s\"\n\n", std::string(AsString(accepted->plaintext)).c_str());
  Session& iran_session = accepted->session;

  const std::vector<std::pair<bool, std::string>> script = {
      {false, "Understood. Tehran is ready to listen; nothing here is binding."},
      {false, "Our agenda would include sanctions relief and the designation."},
      {true, "Ours: the nuclear programme, support to armed groups, regional security."},
      {true, "A grand bargain, then: nothing agreed until everything is agreed."},
      {false, "Agreed in principle. Principals at home must clear every position."},
      {true, "Same here. Next message after consultations in Washington."},
  };
  for (const auto& [from_us, text] : script) {
    const bool ok = from_us ? Exchange(us, *us_session, iran, iran_session, text)
                            : Exchange(iran, iran_session, us, *us_session, text);
    if (!ok) return 1;
  }

  // Safety numbers: both envoys compute the same 60 digits to compare in person.
  const auto us_number = session::ComputeSafetyNumber(us.stable_id, us.identity.public_key,
                                                      iran.stable_id, iran.identity.public_key);
  const auto iran_number = session::ComputeSafetyNumber(iran.stable_id, iran.identity.public_key,
                                                        us.stable_id, us.identity.public_key);
  std::printf("Safety number, as the US envoy sees it:   %s\n",
              session::FormatDisplayable(us_number.displayable).c_str());
  std::printf("Safety number, as the Iran envoy sees it: %s\n",
              session::FormatDisplayable(iran_number.displayable).c_str());
  const bool match = us_number.displayable == iran_number.displayable &&
                     session::CompareScannable(us_number.scannable, iran_number.scannable).ok();
  std::printf("Scanned codes %s.\n", match ? "match: no one is in the middle" : "DO NOT MATCH");
  return match ? 0 : 1;
} catch (const std::exception& e) {
  std::fprintf(stderr, "backchannel_demo: %s\n", e.what());
  return 1;
}
