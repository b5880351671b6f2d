// Writes valid seed inputs for the session fuzz targets into <dir>/<target>/.
#include <filesystem>
#include <fstream>

#include "backchannel/session/memory_prekey_store.h"
#include "backchannel/session/session.h"

namespace {

void Write(const std::filesystem::path& dir, const std::string& name, backchannel::ByteView b) {
  std::filesystem::create_directories(dir);
  std::ofstream(dir / name, std::ios::binary)
      .write(reinterpret_cast<const char*>(b.data()), static_cast<std::streamsize>(b.size()));
}

}  // namespace

int main(int argc, char** argv) {
  using namespace backchannel;
  if (argc != 2) return 2;
  const std::filesystem::path root = argv[1];
  auto alice = session::GenerateIdentityKeyPair();
  auto bob = session::GenerateIdentityKeyPair();
  session::InMemoryPreKeyStore store;
  store.AddSigned(session::GenerateSignedPreKey(bob, 1));
  store.AddOneTime(session::GenerateOneTimePreKey(1));
  auto bundle = store.MakeBundle(bob, 22, 1, 1);
  Write(root / "session_prekey_bundle", "with_one_time", session::EncodePreKeyBundle(bundle));
  Write(root / "session_prekey_bundle", "without_one_time",
        session::EncodePreKeyBundle(store.MakeBundle(bob, 22, 1, std::nullopt)));
  auto a = session::Session::Initiate(alice, 11, bundle);
  auto first = a->Encrypt(AsBytes("hello"));
  Write(root / "session_prekey_message", "first", first->bytes);
  auto accepted = session::Session::Accept(bob, 22, store, first->bytes);
  auto reply = accepted->session.Encrypt(AsBytes("reply"));
  Write(root / "session_signal_message", "reply", reply->bytes);
  (void)a->Decrypt(*reply);
  auto second = a->Encrypt(AsBytes("second"));
  Write(root / "session_signal_message", "second", second->bytes);
  Write(root / "session_record", "initiator", a->Serialize().view());
  Write(root / "session_record", "responder", accepted->session.Serialize().view());
  return 0;
}
