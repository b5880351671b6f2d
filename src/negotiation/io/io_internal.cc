#include "negotiation/io/io_internal.h"

#include <charconv>
#include <cmath>
#include <utility>

namespace backchannel::negotiation::io_internal {

std::string Diagnostics::Format(std::int64_t line, std::string_view where,
                                std::string_view what) const {
  std::string out = source_;
  if (line > 0) out += ":" + std::to_string(line);
  out += ": ";
  if (!where.empty()) {
    out += where;
    out += ": ";
  }
  out += what;
  return out;
}

Status Diagnostics::Error(std::int64_t line, std::string_view where, std::string_view what) const {
  return InvalidArgument(Format(line, where, what));
}

Status Diagnostics::Problem(std::int64_t line, std::string_view where,
                            std::string_view what) const {
  if (!lenient()) return Error(line, where, what);
  Warn(line, where, what);
  return Status::Ok();
}

void Diagnostics::Warn(std::int64_t line, std::string_view where, std::string_view what) const {
  if (options_.warnings != nullptr) options_.warnings->push_back(Format(line, where, what));
}

Result<Profile> NormaliseProfile(const Domain& domain, RawProfile raw, const Diagnostics& diag) {
  const std::size_t n = domain.issues.size();
  if (raw.weights.size() != n || raw.evaluations.size() != n || raw.absolute.size() != n) {
    return diag.Error(0, "", "profile does not cover the domain's issues");
  }
  double sum = 0;
  for (double w : raw.weights) {
    if (!std::isfinite(w) || w < 0) return diag.Error(0, "", "a weight is negative or not finite");
    sum += w;
  }
  if (!(sum > 0) || !std::isfinite(sum)) {
    return diag.Error(0, "", "the issue weights sum to 0; they cannot be normalised");
  }
  Profile p;
  p.name = std::move(raw.name);
  p.weights.resize(n);
  p.evaluations.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    p.weights[i] = raw.weights[i] / sum;
    const auto& evals = raw.evaluations[i];
    if (evals.size() != domain.issues[i].size()) {
      return diag.Error(0, domain.issues[i].name, "wrong number of evaluations");
    }
    double max = 0;
    for (const auto& e : evals) {
      if (e && !std::isfinite(*e))
        return diag.Error(0, domain.issues[i].name, "evaluation not finite");
      if (e && *e > max) max = *e;
    }
    p.evaluations[i].resize(evals.size(), 0.0);
    for (std::size_t o = 0; o < evals.size(); ++o) {
      const double v = evals[o].value_or(0.0);
      double e = raw.absolute[i] ? v : (max > 0 ? v / max : 0.0);
      if (e < 0) e = 0;
      if (e > 1) e = 1;
      p.evaluations[i][o] = e;
    }
  }
  if (!std::isfinite(raw.reservation)) return diag.Error(0, "reservation", "not a finite number");
  p.reservation = raw.reservation;
  p.discount = raw.discount;
  Status s = p.Validate(domain);
  if (!s.ok()) return diag.Error(0, "", s.message());
  return p;
}

std::optional<double> ParseNumber(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t' || text.front() == '\n' ||
                           text.front() == '\r')) {
    text.remove_prefix(1);
  }
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\n' ||
                           text.back() == '\r')) {
    text.remove_suffix(1);
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  double v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size() || !std::isfinite(v)) {
    return std::nullopt;
  }
  return v;
}

std::optional<std::int64_t> ParseInteger(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return std::nullopt;
  std::int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

bool IsValidUtf8(std::string_view text) {
  std::size_t i = 0;
  while (i < text.size()) {
    const auto c = static_cast<unsigned char>(text[i]);
    std::size_t extra = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xE0) == 0xC0) {
      extra = 1;
      cp = c & 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      extra = 2;
      cp = c & 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      extra = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= text.size()) return false;  // truncated sequence
    for (std::size_t k = 1; k <= extra; ++k) {
      const auto d = static_cast<unsigned char>(text[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    // Overlong forms, surrogates and values past U+10FFFF.
    if ((extra == 1 && cp < 0x80) || (extra == 2 && cp < 0x800) || (extra == 3 && cp < 0x10000) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

std::string StemOf(std::string_view source) {
  const auto slash = source.find_last_of("/\\");
  if (slash != std::string_view::npos) source.remove_prefix(slash + 1);
  const auto dot = source.find_last_of('.');
  if (dot != std::string_view::npos && dot > 0) source = source.substr(0, dot);
  return std::string(source);
}

}  // namespace backchannel::negotiation::io_internal
