// Shared plumbing of the importers (not public API): where problems are
// reported (strict: the first one fails; lenient: each one becomes a warning
// and the importer carries on), and the GENIUS normalisation of raw profiles.
//
// Thread safety: a Diagnostics object belongs to one parse; the free
// functions are reentrant.
#ifndef BACKCHANNEL_SRC_NEGOTIATION_IO_IO_INTERNAL_H_
#define BACKCHANNEL_SRC_NEGOTIATION_IO_IO_INTERNAL_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/result.h"
#include "backchannel/negotiation/domain.h"
#include "backchannel/negotiation/io.h"

namespace backchannel::negotiation::io_internal {

// Upper bounds that keep hostile input from exhausting memory.
inline constexpr std::size_t kMaxInputBytes = 64u << 20;
inline constexpr std::int64_t kMaxIntegerOptions = 100'000;
inline constexpr std::size_t kMaxJsonDepth = 64;
// Options summed over a domain's issues (integer ranges are materialised).
inline constexpr std::size_t kMaxTotalOptions = 1'000'000;

class Diagnostics {
 public:
  Diagnostics(std::string_view source, const ImportOptions& options)
      : source_(source), options_(options) {}

  bool lenient() const { return options_.mode == ParseMode::kLenient; }
  const std::string& source() const { return source_; }

  // "<source>:<line>: <where>: <what>", or without the line when line <= 0
  // (JSON), or without <where> when it is empty.
  std::string Format(std::int64_t line, std::string_view where, std::string_view what) const;

  // A fatal problem in either mode: kInvalidArgument with the position.
  Status Error(std::int64_t line, std::string_view where, std::string_view what) const;
  // A problem lenient mode tolerates: strict returns Error(...); lenient
  // records a warning and returns OK, and the caller applies its fallback.
  Status Problem(std::int64_t line, std::string_view where, std::string_view what) const;
  // A note in both modes (e.g. the ignored parts of an UNCERTAIN profile).
  void Warn(std::int64_t line, std::string_view where, std::string_view what) const;

 private:
  std::string source_;
  ImportOptions options_;
};

// A profile as read from a file, before normalisation: for each domain issue,
// a raw weight and one raw evaluation per option (nullopt: not in the file).
struct RawProfile {
  std::string name;
  std::vector<double> weights;
  std::vector<std::vector<std::optional<double>>> evaluations;
  // Issues whose evaluations are already in [0, 1] and must not be divided by
  // their maximum (integer issues with a linear evaluator; GeniusWeb values).
  std::vector<bool> absolute;
  double reservation = 0.0;
  std::optional<double> discount;
};

// GENIUS semantics: weights divided by their sum; a discrete issue's raw
// evaluations divided by the largest (all 0 when that is 0); a missing
// evaluation is 0. Fails when the weights sum to 0 or the result does not
// validate against `domain`.
Result<Profile> NormaliseProfile(const Domain& domain, RawProfile raw, const Diagnostics& diag);

// Parses a finite decimal number (leading/trailing blanks allowed).
std::optional<double> ParseNumber(std::string_view text);
std::optional<std::int64_t> ParseInteger(std::string_view text);

// True when `text` is well-formed UTF-8 (names must be, to be written as JSON).
bool IsValidUtf8(std::string_view text);

// "a" for "dir/a.xml".
std::string StemOf(std::string_view source);

// Format parsers, one per file. `text` is the whole file.
Result<Domain> ParseGeniusDomain(std::string_view text, const Diagnostics& diag);
Result<Profile> ParseGeniusProfile(const Domain& domain, std::string_view text,
                                   const Diagnostics& diag);

// JSON formats: the document is parsed once by the dispatcher (json_document.h).
}  // namespace backchannel::negotiation::io_internal

#endif  // BACKCHANNEL_SRC_NEGOTIATION_IO_IO_INTERNAL_H_
