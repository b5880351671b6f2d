// Writes the talks, payload and record vectors of talks_golden_inputs.h
// (tests/golden/README.md). Run once, on the encoders of commit 21fb092,
// before the one-struct-per-type refactor; never re-run to make a failing
// talks_golden_test pass.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "backchannel/crypto/encoding.h"
#include "golden/talks_golden_inputs.h"

namespace {

namespace fs = std::filesystem;
using namespace backchannel;

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream f(path, std::ios::binary);
  f << text;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: talks_generate_golden DATA_DIR\n");
    return 2;
  }
  const fs::path dir = argv[1];
  for (const auto& [name, m] : golden::GoldenTalksMessages()) {
    Write(dir / "talks" / (name + ".hex"), ToHex(talks::EncodeMessage(m)) + "\n");
  }
  for (const auto& [name, p] : golden::GoldenPayloads()) {
    Write(dir / "payload" / (name + ".hex"), ToHex(client::EncodePayload(p)) + "\n");
  }
  auto entries = golden::GoldenRecordEntries();
  talks::RecordHead head{0, talks::EmptyRecordHash()};
  std::string chain;
  for (auto& e : entries) {
    head = talks::ChainAppend(head, e);
    chain += std::to_string(e.seq) + " " + e.prev + " " + e.hash + "\n";
  }
  Write(dir / "talks" / "record_chain.txt", chain);
  Write(dir / "talks" / "record_export.json", talks::RecordToJson("geneva-1", head, entries));
  return 0;
}
