// `backchannel feeler send|status|forget` (docs/feelers.md): a thin layer
// over feelers_client::FeelerService. Every command first syncs (receives
// what is queued — results arrive there, like any message — ends exchanges
// whose time is up, posts the outbox), then does its one thing, and prints
// what happened in order. With --json: one document of the app's shape
// (docs/app-api.md, $defs feeler_report and feeler_status).
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>

#include "backchannel/app/error.h"
#include "backchannel/feelers_client/service.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;
using feelers_client::FeelerReport;
using feelers_client::FeelerService;
using feelers_client::FeelerView;

Json ReportJson(const FeelerReport& r) {
  Json j;
  j["events"] = r.events;
  Json refused = Json::array();
  for (const auto& s : r.refused) {
    const app::Error e = app::ErrorFrom(s);
    refused.push_back(Json{{"code", e.code}, {"message", e.message}});
  }
  j["refused"] = refused;
  j["queued"] = r.queued;
  return j;
}

Json ViewJson(const FeelerView& v) {
  return Json{{"id", v.id},
              {"contact", v.contact},
              {"phase", v.phase},
              {"created_at", v.created_at},
              {"expires_at", v.expires_at},
              {"k", v.k},
              {"topics", v.topics},
              {"matched", v.matched},
              {"notice", v.notice}};
}

void PrintReport(Context& ctx, const FeelerReport& r) {
  for (const auto& e : r.events) PrintLines(ctx.out, "[feeler] ", e);
  for (const auto& s : r.refused) ctx.err << "warning: " << s.message() << "\n";
}

// A contact name as one shell word (names may hold spaces).
std::string Quoted(const std::string& name) {
  if (name.find_first_of(" '\"\\$`") == std::string::npos) return name;
  std::string out = "'";
  for (char ch : name) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
  return out + "'";
}

std::string When(std::int64_t seconds) {
  char buf[32];
  const std::time_t t = seconds;
  std::tm tm{};
  gmtime_r(&t, &tm);
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
  return buf;
}

void PrintView(std::ostream& out, const FeelerView& v) {
  std::string line = v.contact + " · " + v.phase + " · k=" + std::to_string(v.k) + " · since " +
                     When(v.created_at) + " · id " + v.id;
  PrintLines(out, "", line);
  std::string topics;
  for (const auto& t : v.topics) topics += (topics.empty() ? "" : ", ") + t;
  if (!topics.empty()) PrintLines(out, "  your topics: ", topics);
  if (v.phase == "done") {
    std::string matched;
    for (const auto& t : v.matched) matched += (matched.empty() ? "" : ", ") + t;
    PrintLines(out, "  shared: ", matched.empty() ? "(none)" : matched);
  } else if (v.phase == "incoming") {
    PrintLines(out, "  ",
               "waiting for your own topics: backchannel feeler send " + Quoted(v.contact) +
                   " --topic ...");
  } else if (v.phase != "expired" && v.phase != "withheld") {
    PrintLines(out, "  ", "pending until " + When(v.expires_at));
  }
  if (!v.notice.empty()) PrintLines(out, "  ", v.notice);
}

// Opens the client with every handler, syncs, runs `op`, prints: what
// happened first, then the result's "text" for people (not in --json, which
// holds the result's fields).
void Run(Context& ctx, const Common& c,
         const std::function<Status(FeelerService&, FeelerReport&, Json&)>& op) {
  auto client = OpenClient(c);
  if (!client) return ctx.FailOpen(client.error());
  FeelerService& svc = *client->feelers;
  auto synced = svc.Sync();
  if (!synced) return ctx.Fail(synced.error());
  FeelerReport report = std::move(*synced);
  Json result = Json::object();
  Status s = op(svc, report, result);
  if (c.json) {
    Json j = ReportJson(report);
    result.erase("text");
    j["result"] = result;
    if (s.ok()) {
      ctx.Emit(j);
    } else {
      const app::Error error = app::ErrorFrom(s);
      ctx.Emit(j, &error);
    }
  } else {
    PrintReport(ctx, report);
    if (s.ok() && result.contains("text")) ctx.out << result["text"].get<std::string>();
  }
  if (!s.ok()) ctx.Fail(s);
}

}  // namespace

void RegisterFeelerCommands(CLI::App& app, Context& context) {
  CLI::App* feeler = app.add_subcommand(
      "feeler", "Say which topics you would discuss; see only those the contact named too");
  feeler->require_subcommand(1);
  {
    struct Args {
      Common common;
      std::string contact;
      std::vector<std::string> topics;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "send", "Offer a feeler to a contact (or answer theirs) with your own topics");
    AddCommon(cmd, a->common);
    cmd->add_option("contact", a->contact, "Contact name")->required();
    cmd->add_option("--topic", a->topics, "A topic you would discuss (repeat; at most 32)")
        ->required();
    cmd->callback([&context, a]() {
      Run(context, a->common,
          [&](FeelerService& svc, FeelerReport& report, Json& result) -> Status {
            BC_ASSIGN_OR_RETURN(auto sent, svc.Send(a->contact, a->topics));
            for (auto& e : sent.events) report.events.push_back(std::move(e));
            for (auto& r : sent.refused) report.refused.push_back(std::move(r));
            report.queued = sent.queued;
            BC_ASSIGN_OR_RETURN(auto views, svc.List(a->contact));
            if (!views.empty()) result["feeler"] = ViewJson(views.back());
            return Status::Ok();
          });
    });
  }
  {
    struct Args {
      Common common;
      std::string contact;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "status", "Pending feelers, shared topics, the budget and the history");
    AddCommon(cmd, a->common);
    cmd->add_option("contact", a->contact, "Only feelers with this contact");
    cmd->callback([&context, a]() {
      Run(context, a->common, [&](FeelerService& svc, FeelerReport&, Json& result) -> Status {
        std::optional<std::string> only;
        if (!a->contact.empty()) only = a->contact;
        BC_ASSIGN_OR_RETURN(auto views, svc.List(only));
        Json list = Json::array();
        for (const auto& v : views) list.push_back(ViewJson(v));
        result["feelers"] = list;
        result["budget_per_day"] = svc.policy().per_window;
        if (only) {
          BC_ASSIGN_OR_RETURN(auto left, svc.Remaining(*only));
          result["budget_left"] = left;
        }
        std::ostringstream text;
        if (views.empty()) text << "no feelers\n";
        for (const auto& v : views) PrintView(text, v);
        text << "budget: " << svc.policy().per_window << " feelers per contact per day";
        if (only)
          text << ", " << result["budget_left"].get<std::uint32_t>() << " left with " << *only;
        text << "\n";
        result["text"] = text.str();
        return Status::Ok();
      });
    });
  }
  {
    struct Args {
      Common common;
      std::string id;
    };
    auto a = std::make_shared<Args>();
    CLI::App* cmd = feeler->add_subcommand(
        "forget", "Delete one feeler (its secret too, if it is still open) from this home");
    AddCommon(cmd, a->common);
    cmd->add_option("id", a->id, "The id `feeler status` shows")->required();
    cmd->callback([&context, a]() {
      Run(context, a->common, [&](FeelerService& svc, FeelerReport&, Json& result) -> Status {
        BC_RETURN_IF_ERROR(svc.Forget(a->id));
        result["forgotten"] = a->id;
        result["text"] = "forgotten\n";
        return Status::Ok();
      });
    });
  }
}

}  // namespace backchannel::cli
