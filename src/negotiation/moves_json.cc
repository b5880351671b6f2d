// Serialization of a Negotiation (docs/negotiation.md, "Negotiation state").
// Restoring replays the history through the rules; any problem is kCorrupt.
#include "backchannel/negotiation/io.h"
#include "backchannel/negotiation/moves.h"
#include "negotiation/io/json_formats.h"

namespace backchannel::negotiation {
namespace {

using io_internal::Json;

constexpr int kStateVersion = 1;
constexpr char kStateFormat[] = "backchannel.negotiation";

Json PackageToJson(const Domain& domain, const PartialPackage& package) {
  Json out = Json::object();
  for (std::size_t i = 0; i < package.size() && i < domain.issues.size(); ++i) {
    if (package[i] && *package[i] < domain.issues[i].size()) {
      out[domain.issues[i].name] = domain.issues[i].options[*package[i]];
    }
  }
  return out;
}

Status Bad(const std::string& where, const std::string& what) {
  return Corrupt("negotiation state: " + where + ": " + what);
}

Result<PartialPackage> PackageFromJson(const Domain& domain, const Json& j,
                                       const std::string& where) {
  if (!j.is_object()) return Bad(where, "expected an object of issue: option");
  PartialPackage package(domain.issues.size());
  for (const auto& [issue, option] : j.items()) {
    auto i = domain.IssueIndex(issue);
    if (!i) return Bad(where + "/" + issue, "no such issue");
    if (!option.is_string()) return Bad(where + "/" + issue, "expected an option name");
    auto o = domain.OptionIndex(*i, option.get<std::string>());
    if (!o) return Bad(where + "/" + issue, std::string(o.error().message()));
    package[*i] = static_cast<std::uint32_t>(*o);
  }
  return package;
}

Result<MoveKind> KindFromName(const std::string& name) {
  for (MoveKind k : {MoveKind::kPropose, MoveKind::kCounter, MoveKind::kAccept, MoveKind::kReject,
                     MoveKind::kWithdraw, MoveKind::kRatify}) {
    if (MoveKindName(k) == name) return k;
  }
  return InvalidArgument("unknown move kind '" + name + "'");
}

Result<MoveId> TargetOf(const Json& m, const std::string& where) {
  auto t = m.find("target");
  if (t == m.end() || !t->is_number_unsigned()) return Bad(where + "/target", "expected a move id");
  return t->get<MoveId>();
}

}  // namespace

std::string Negotiation::ToJson() const {
  Json doc;
  doc["format"] = kStateFormat;
  doc["version"] = kStateVersion;
  doc["domain"] = Json::parse(DomainToJson(domain_));
  doc["sides"] = sides_;
  doc["phase"] = PhaseName(phase_);
  doc["agreement"] = agreement_ ? Json(*agreement_) : Json(nullptr);
  doc["ratified"] = Json::array();
  for (std::size_t s = 0; s < sides_.size(); ++s) {
    if (ratified_[s]) doc["ratified"].push_back(sides_[s]);
  }
  doc["moves"] = Json::array();
  for (const Move& m : history_) {
    Json j;
    j["id"] = m.id;
    j["kind"] = MoveKindName(m.kind);
    j["side"] = sides_[m.side];
    if (m.kind == MoveKind::kPropose || m.kind == MoveKind::kCounter) {
      j["package"] = PackageToJson(domain_, m.package);
    }
    if (m.kind != MoveKind::kPropose && m.kind != MoveKind::kRatify) j["target"] = m.target;
    if (m.kind == MoveKind::kReject) j["reason"] = m.reason;
    if (IsWithdrawn(m.id)) j["withdrawn"] = true;
    doc["moves"].push_back(std::move(j));
  }
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Result<Negotiation> Negotiation::FromJson(std::string_view text) {
  io_internal::Diagnostics diag("negotiation state", {});
  auto parsed = io_internal::ParseJsonDocument(text, diag);
  if (!parsed) return Corrupt(parsed.error().message());
  const Json& doc = *parsed;
  if (!doc.is_object()) return Bad("/", "expected a JSON object");
  auto format = doc.find("format");
  if (format == doc.end() || *format != kStateFormat) {
    return Bad("/format", std::string("expected \"") + kStateFormat + "\"");
  }
  auto version = doc.find("version");
  if (version == doc.end() || !version->is_number_integer()) {
    return Bad("/version", "missing or not an integer");
  }
  if (version->get<std::int64_t>() != kStateVersion) {
    return Status(StatusCode::kUnsupportedVersion, "negotiation state: version " + version->dump() +
                                                       " is not supported; this build reads " +
                                                       std::to_string(kStateVersion));
  }
  auto domain_json = doc.find("domain");
  if (domain_json == doc.end() || !domain_json->is_object() || !domain_json->contains("format") ||
      !(*domain_json)["format"].is_string() ||
      (*domain_json)["format"].get<std::string>() != "backchannel.domain") {
    return Bad("/domain", "expected a native domain object");
  }
  io_internal::Diagnostics domain_diag("negotiation state: /domain", {});
  auto domain = io_internal::ParseNativeDomain(*domain_json, domain_diag);
  if (!domain) return Corrupt(domain.error().message());
  auto sides_json = doc.find("sides");
  if (sides_json == doc.end() || !sides_json->is_array()) {
    return Bad("/sides", "expected an array of side names");
  }
  std::vector<std::string> sides;
  for (const auto& s : *sides_json) {
    if (!s.is_string()) return Bad("/sides", "a side name is not a string");
    sides.push_back(s.get<std::string>());
  }
  auto created = Create(std::move(*domain), std::move(sides));
  if (!created) return Bad("/sides", std::string(created.error().message()));
  Negotiation n = std::move(*created);

  auto moves = doc.find("moves");
  if (moves == doc.end() || !moves->is_array()) return Bad("/moves", "expected an array");
  for (std::size_t k = 0; k < moves->size(); ++k) {
    const Json& m = (*moves)[k];
    const std::string where = "/moves/" + std::to_string(k);
    if (!m.is_object()) return Bad(where, "expected an object");
    auto id = m.find("id");
    if (id == m.end() || !id->is_number_unsigned() || id->get<MoveId>() != k + 1) {
      return Bad(where + "/id", "expected " + std::to_string(k + 1));
    }
    auto kind_json = m.find("kind");
    if (kind_json == m.end() || !kind_json->is_string()) return Bad(where + "/kind", "missing");
    auto kind = KindFromName(kind_json->get<std::string>());
    if (!kind) return Bad(where + "/kind", std::string(kind.error().message()));
    auto side_json = m.find("side");
    if (side_json == m.end() || !side_json->is_string()) return Bad(where + "/side", "missing");
    auto side = n.SideIndex(side_json->get<std::string>());
    if (!side) return Bad(where + "/side", std::string(side.error().message()));
    Move move{0, *kind, *side, {}, 0, {}};
    if (*kind == MoveKind::kPropose || *kind == MoveKind::kCounter) {
      auto package = m.find("package");
      if (package == m.end()) return Bad(where + "/package", "missing");
      BC_ASSIGN_OR_RETURN(move.package, PackageFromJson(n.domain_, *package, where + "/package"));
    }
    if (*kind != MoveKind::kPropose && *kind != MoveKind::kRatify) {
      BC_ASSIGN_OR_RETURN(move.target, TargetOf(m, where));
    }
    if (*kind == MoveKind::kReject) {
      auto reason = m.find("reason");
      if (reason == m.end() || !reason->is_string()) return Bad(where + "/reason", "missing");
      move.reason = reason->get<std::string>();
    }
    auto applied = n.Apply(std::move(move));
    if (!applied) return Bad(where, "illegal move: " + std::string(applied.error().message()));
  }
  // The derived fields must agree with the replay.
  if (auto phase = doc.find("phase"); phase == doc.end() || *phase != PhaseName(n.phase_)) {
    return Bad("/phase", "does not match the history (replay gives \"" +
                             std::string(PhaseName(n.phase_)) + "\")");
  }
  auto agreement = doc.find("agreement");
  const Json expected = n.agreement_ ? Json(*n.agreement_) : Json(nullptr);
  if (agreement == doc.end() || *agreement != expected) {
    return Bad("/agreement", "does not match the history");
  }
  return n;
}

}  // namespace backchannel::negotiation
