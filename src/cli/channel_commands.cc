// The channel commands of `backchannel` (docs/cli.md, "Channel commands"):
// init, credential import, trust add|revocations, invite, accept, contacts,
// send, inbox, listen, fingerprint, reset, status — a thin layer over
// backchannel::client::Client. Every command takes --home, --json and
// --passphrase-file (or BACKCHANNEL_PASSPHRASE, or a prompt).
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/client/client.h"
#include "backchannel/client/home.h"
#include "backchannel/common/encoding.h"
#include "backchannel/common/terminal_text.h"
#include "backchannel/identity/credential.h"
#include "backchannel/identity/invitation.h"
#include "backchannel/talks_client/service.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;
using client::Client;

// `arg` is a file holding the text, or the text itself.
std::string TextArg(const std::string& arg) {
  std::ifstream in(arg);
  if (!in) return arg;
  std::string line;
  std::getline(in, line);
  return line;
}

std::string_view DirectionLabel(client::Direction d) { return client::DirectionName(d); }

Json MessageJson(const client::StoredMessage& m) {
  Json j{{"seq", m.seq},         {"id", m.id},
         {"contact", m.contact}, {"direction", std::string(DirectionLabel(m.direction))},
         {"time_ms", m.time_ms}, {"body", m.body}};
  if (m.delivery != client::Delivery::kNone) {
    j["delivery"] = std::string(client::DeliveryName(m.delivery));
  }
  return j;
}

// " [queued]" after an outgoing line that has not reached the relay yet.
std::string DeliveryMark(client::Delivery d) {
  if (d == client::Delivery::kQueued || d == client::Delivery::kCancelled) {
    return " [" + std::string(client::DeliveryName(d)) + "]";
  }
  return "";
}

// One stored line as text. The body may hold line breaks: lines after the
// first are printed behind "   | ", which no line of a message, a notice
// ("* ") or an outgoing line ("you -> ") begins with, and names are quoted
// when they could pass for the frame (DisplayName); what is printed is
// neutralised on the way out (terminal_filter.h).
void PrintMessage(std::ostream& out, const client::StoredMessage& m) {
  const std::string who = DisplayName(m.contact);
  std::string head;
  switch (m.direction) {
    case client::Direction::kIn:
      head = who + ": ";
      break;
    case client::Direction::kOut:
      head = "you -> " + who + DeliveryMark(m.delivery) + ": ";
      break;
    case client::Direction::kSystem:
      head = "* ";
      break;
  }
  PrintLines(out, head, m.body);
}

void PrintRefused(Context& ctx, const std::vector<Status>& refused) {
  for (const auto& s : refused) ctx.err << "warning: " << s.message() << "\n";
}

Json ReportJson(const client::ReceiveReport& r) {
  Json j{{"received", Json::array()},
         {"duplicates", r.duplicates},
         {"refused", Json::array()},
         {"replenished", r.replenished}};
  for (const auto& m : r.stored) j["received"].push_back(MessageJson(m));
  for (const auto& s : r.refused) {
    j["refused"].push_back(Json{{"code", std::string(StatusCodeName(s.code()))},
                                {"message", std::string(s.message())}});
  }
  return j;
}

template <std::size_t N>
Result<std::array<std::uint8_t, N>> KeyArg(const std::string& text) {
  auto b = FromBase64(text, Base64Variant::kUrlSafeNoPadding);
  if (!b || b->size() != N) b = FromHex(text);
  if (!b || b->size() != N) {
    return InvalidArgument("'" + text + "' is not a " + std::to_string(N) +
                           "-byte key (base64url or hex)");
  }
  std::array<std::uint8_t, N> out{};
  std::copy(b->begin(), b->end(), out.begin());
  return out;
}

}  // namespace

void RegisterChannelCommands(CLI::App& app, Context& ctx) {
  // ---- init ----
  struct InitArgs : Common {
    std::string relay, pin, kdf = "moderate";
  };
  auto init = std::make_shared<InitArgs>();
  CLI::App* init_cmd = app.add_subcommand("init", "Create your identity, store and relay mailbox");
  AddCommon(init_cmd, *init);
  init_cmd->add_option("--relay", init->relay, "Relay HOST:PORT")->required();
  init_cmd->add_option("--pin", init->pin, "Relay certificate SHA-256 (64 hex)")->required();
  init_cmd->add_option("--kdf", init->kdf, "Argon2id cost: moderate (default) or interactive")
      ->check(CLI::IsMember({"moderate", "interactive"}));
  init_cmd->callback([init, &ctx] {
    auto pass = client::ReadPassphrase({init->passphrase_file, true});
    if (!pass) return ctx.Fail(pass.error());
    auto o = Options(*init);
    o.kdf_cost =
        init->kdf == "interactive" ? client::KdfCost::kInteractive : client::KdfCost::kModerate;
    auto c = Client::Init(o, *pass, {init->relay, init->pin});
    if (!c) return ctx.FailOpen(c.error());
    auto st = (*c)->GetStatus();
    if (!st) return ctx.Fail(st.error());
    if (init->json) {
      ctx.Emit(Json{{"home", o.home},
                    {"identity_key", st->identity_key},
                    {"relay", st->relay},
                    {"mailbox", st->mailbox}});
      return;
    }
    ctx.out << "Initialised " << o.home << "\nIdentity key: " << st->identity_key
            << "\nAsk your authority for a credential:\n  backchannel authority issue "
               "--identity-key "
            << st->identity_key << " ...\nthen: backchannel credential import FILE\n";
  });

  // ---- credential import ----
  struct CredArgs : Common {
    std::string credential;
  };
  auto cred = std::make_shared<CredArgs>();
  CLI::App* cred_group = app.add_subcommand("credential", "Your own credential");
  cred_group->require_subcommand(1);
  CLI::App* import_cmd =
      cred_group->add_subcommand("import", "Import the credential your authority issued");
  AddCommon(import_cmd, *cred);
  import_cmd->add_option("credential", cred->credential, "Credential text (base64url) or a file")
      ->required();
  import_cmd->callback([cred, &ctx] {
    auto parsed = identity::CredentialFromText(TextArg(cred->credential));
    if (!parsed) return ctx.Fail(parsed.error());
    auto c = OpenClient(*cred);
    if (!c) return ctx.FailOpen(c.error());
    if (Status s = (*c)->ImportCredential(*parsed); !s.ok()) return ctx.Fail(s);
    if (cred->json) {
      ctx.Emit(Json{{"display_name", parsed->display_name},
                    {"side", parsed->side},
                    {"role", std::string(identity::RoleName(parsed->role))},
                    {"expiry", parsed->expiry}});
      return;
    }
    ctx.out << "Credential imported: " << parsed->display_name << ", "
            << identity::RoleName(parsed->role) << " of " << parsed->side << ", valid until "
            << identity::FormatUnixTime(parsed->expiry) << "\n";
  });

  // ---- trust add | list | remove | pending | revocations ----
  struct TrustArgs : Common {
    std::string key, label, list, roles = "envoy,principal,mediator";
    std::vector<std::string> sides;
    std::int64_t refuse = 0;
  };
  auto trust = std::make_shared<TrustArgs>();
  CLI::App* trust_group = app.add_subcommand("trust", "Authorities you accept credentials from");
  trust_group->require_subcommand(1);
  CLI::App* add_cmd = trust_group->add_subcommand(
      "add", "Trust an authority's public key for the sides and roles it may accredit");
  AddCommon(add_cmd, *trust);
  add_cmd->add_option("key", trust->key, "Authority public key (base64url or hex)")->required();
  add_cmd->add_option("--side", trust->sides, "A side it may accredit (repeat for several)")
      ->required();
  add_cmd->add_option("--roles", trust->roles,
                      "Roles it may accredit, comma-separated (default: envoy,principal,mediator)");
  add_cmd->add_option("--label", trust->label, "Name shown for it (default: the first side)");
  add_cmd->callback([trust, &ctx] {
    auto key = KeyArg<32>(trust->key);
    if (!key) return ctx.Fail(key.error());
    client::TrustScope scope;
    scope.sides = trust->sides;
    std::stringstream roles(trust->roles);
    for (std::string r; std::getline(roles, r, ',');) {
      auto role = identity::ParseRole(r);
      if (!role) {
        return ctx.Fail(
            InvalidArgument("--roles: '" + r + "' is not a role (envoy, principal, mediator)"));
      }
      scope.roles.push_back(*role);
    }
    const std::string label = trust->label.empty() ? trust->sides.front() : trust->label;
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    auto done = (*c)->TrustAuthority(*key, label, scope);
    if (!done) return ctx.Fail(done.error());
    if (trust->json) {
      Json j = ReportJson(*done);
      j["trusted"] = label;
      ctx.Emit(j);
      return;
    }
    ctx.out << "Trusting " << label << " for " << trust->roles << " of";
    for (const auto& side : trust->sides) ctx.out << " '" << side << "'";
    ctx.out << "\n";
    PrintRefused(ctx, done->refused);
    for (const auto& m : done->stored) PrintMessage(ctx.out, m);
  });
  CLI::App* list_cmd = trust_group->add_subcommand("list", "The authorities you trust");
  AddCommon(list_cmd, *trust);
  list_cmd->callback([trust, &ctx] {
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    auto all = (*c)->Authorities();
    if (!all) return ctx.Fail(all.error());
    Json j = Json::array();
    for (const auto& a : *all) {
      const std::string key = ToBase64(a.key, Base64Variant::kUrlSafeNoPadding);
      if (trust->json) {
        j.push_back(Json{{"label", a.label},
                         {"key", key},
                         {"scoped", a.scoped},
                         {"sides", a.sides},
                         {"roles", a.roles},
                         {"has_revocations", !a.revocations.empty()}});
        continue;
      }
      ctx.out << DisplayName(a.label) << "  " << key << "\n    ";
      if (a.scoped) {
        std::string roles;
        for (const auto& r : a.roles) roles += (roles.empty() ? "" : ",") + r;
        ctx.out << "may accredit " << roles << " of";
        for (const auto& side : a.sides) ctx.out << " '" << side << "'";
      } else {
        ctx.out << "unscoped (trusted before scopes existed): trust it again with --side";
      }
      ctx.out << "\n";
    }
    if (trust->json) ctx.Emit(Json{{"authorities", j}});
  });
  CLI::App* remove_cmd = trust_group->add_subcommand("remove", "Stop trusting an authority");
  AddCommon(remove_cmd, *trust);
  remove_cmd->add_option("key", trust->key, "Authority public key (base64url or hex)")->required();
  remove_cmd->callback([trust, &ctx] {
    auto key = KeyArg<32>(trust->key);
    if (!key) return ctx.Fail(key.error());
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    if (Status s = (*c)->DistrustAuthority(*key); !s.ok()) return ctx.Fail(s);
    if (trust->json) {
      ctx.Emit(Json{{"removed", trust->key}});
    } else {
      ctx.out << "No longer trusting " << trust->key << "\n";
    }
  });
  CLI::App* pending_cmd = trust_group->add_subcommand(
      "pending", "Requests kept back until you trust their authority (or refuse them)");
  AddCommon(pending_cmd, *trust);
  pending_cmd->add_option("--refuse", trust->refuse, "Drop the request with this number");
  pending_cmd->callback([trust, &ctx] {
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    if (trust->refuse != 0) {
      if (Status s = (*c)->RefusePending(trust->refuse); !s.ok()) return ctx.Fail(s);
    }
    auto all = (*c)->PendingRequests();
    if (!all) return ctx.Fail(all.error());
    Json j = Json::array();
    for (const auto& p : *all) {
      const std::string key = ToBase64(p.authority_key, Base64Variant::kUrlSafeNoPadding);
      if (trust->json) {
        j.push_back(Json{{"number", p.seq},
                         {"received_ms", p.received_ms},
                         {"name", p.display_name},
                         {"side", p.side},
                         {"role", p.role},
                         {"authority_key", key}});
        continue;
      }
      if (p.authority_key.empty()) {
        ctx.out << p.seq << "  a message waiting behind its sender's request\n";
        continue;
      }
      ctx.out << p.seq << "  " << DisplayName(p.display_name) << ", " << p.role << " of '" << p.side
              << "'\n    to accept: backchannel trust add --side '" << p.side << "' --roles "
              << p.role << " -- " << key << "\n";
    }
    if (trust->json) {
      ctx.Emit(Json{{"pending", j}});
    } else if (all->empty()) {
      ctx.out << "No requests are waiting.\n";
    }
  });
  CLI::App* rev_cmd =
      trust_group->add_subcommand("revocations", "Install an authority's newer revocation list");
  AddCommon(rev_cmd, *trust);
  rev_cmd->add_option("list", trust->list, "Revocation list text (base64url) or a file")
      ->required();
  rev_cmd->callback([trust, &ctx] {
    auto list = identity::RevocationListFromText(TextArg(trust->list));
    if (!list) return ctx.Fail(list.error());
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    if (Status s = (*c)->ImportRevocations(*list); !s.ok()) return ctx.Fail(s);
    if (trust->json) {
      ctx.Emit(Json{{"sequence", list->sequence}, {"revoked", list->revoked_serials}});
    } else {
      ctx.out << "Revocation list #" << list->sequence << " installed ("
              << list->revoked_serials.size() << " revoked)\n";
    }
  });

  // ---- invite ----
  struct InviteArgs : Common {
    bool no_qr = false;
    bool rotate = false;
  };
  auto invite = std::make_shared<InviteArgs>();
  CLI::App* invite_cmd = app.add_subcommand("invite", "Print an invitation code (text and QR)");
  AddCommon(invite_cmd, *invite);
  invite_cmd->add_flag("--no-qr", invite->no_qr, "Text only");
  invite_cmd->add_flag("--rotate", invite->rotate,
                       "First replace your delivery token: earlier invitations stop working, "
                       "your contacts are told the new one");
  invite_cmd->callback([invite, &ctx] {
    auto c = OpenClient(*invite);
    if (!c) return ctx.FailOpen(c.error());
    int told = -1;
    if (invite->rotate) {
      auto rotated = (*c)->RotateDeliveryToken();
      if (!rotated) return ctx.Fail(rotated.error());
      told = *rotated;
      if (!invite->json) {
        ctx.out << "Delivery token replaced: earlier invitations no longer work; " << told
                << " contact(s) told the new address.\n";
      }
    }
    auto inv = (*c)->MakeInvitation();
    if (!inv) return ctx.Fail(inv.error());
    auto text = identity::InvitationToText(*inv);
    if (!text) return ctx.Fail(text.error());
    if (invite->json) {
      Json j{{"code", *text}};
      if (told >= 0) j["contacts_told"] = told;
      ctx.Emit(j);
      return;
    }
    ctx.out << *text << "\n";
    if (!invite->no_qr) {
      auto qr = identity::RenderQr(*text);
      if (qr) {
        ctx.out << *qr;
      } else {
        ctx.err << "warning: " << qr.error().message() << "\n";
      }
    }
  });

  // ---- accept ----
  struct AcceptArgs : Common {
    std::string code, name;
    bool trust_authority = false;
  };
  auto accept = std::make_shared<AcceptArgs>();
  CLI::App* accept_cmd = app.add_subcommand("accept", "Accept an invitation code");
  AddCommon(accept_cmd, *accept);
  accept_cmd->add_option("code", accept->code, "The bc1-... code")->required();
  accept_cmd->add_option("--name", accept->name, "Name for the contact (default: theirs)");
  accept_cmd->add_flag("--trust-authority", accept->trust_authority,
                       "Also trust the authority the invitation names, for its side only "
                       "(check its key with the inviter first)");
  accept_cmd->callback([accept, &ctx] {
    auto inv = identity::InvitationFromText(accept->code);
    if (!inv) return ctx.Fail(inv.error());
    auto c = OpenClient(*accept);
    if (!c) return ctx.FailOpen(c.error());
    auto name = (*c)->AcceptInvitation(*inv, accept->name, accept->trust_authority);
    if (!name) return ctx.Fail(name.error());
    if (accept->json) {
      ctx.Emit(Json{{"contact", *name}, {"authority", inv->authority_label}});
    } else {
      ctx.out << "Session opened with " << *name << " (authority " << inv->authority_label
              << "); your credential was sent inside it.\n";
    }
  });

  // ---- contacts ----
  auto contacts = std::make_shared<Common>();
  CLI::App* contacts_cmd = app.add_subcommand("contacts", "List your contacts");
  AddCommon(contacts_cmd, *contacts);
  contacts_cmd->callback([contacts, &ctx] {
    auto c = OpenClient(*contacts);
    if (!c) return ctx.FailOpen(c.error());
    auto list = (*c)->Contacts();
    if (!list) return ctx.Fail(list.error());
    Json j = Json::array();
    for (const auto& k : *list) {
      const bool compared =
          !k.compared_identity_key.empty() && PublicEqual(k.compared_identity_key, k.identity_key);
      std::string role;
      if (!k.credential.empty()) {
        if (auto cr = identity::DecodeCredential(k.credential)) {
          role = std::string(identity::RoleName(cr->role)) + " of " + cr->side;
        }
      }
      if (contacts->json) {
        j.push_back(Json{{"name", k.name},
                         {"identity_key", ToHex(session::SerializePublicKey(k.identity_key))},
                         {"authority", k.authority_label},
                         {"verified", !k.credential.empty()},
                         {"safety_number_compared", compared},
                         {"role", role}});
      } else {
        ctx.out << DisplayName(k.name) << "  "
                << (role.empty() ? "(credential not yet received)" : role) << "  ["
                << k.authority_label << "]"
                << (compared ? "  safety number compared" : "  safety number not compared") << "\n";
      }
    }
    if (contacts->json) ctx.Emit(Json{{"contacts", j}});
  });

  // ---- send ----
  struct SendArgs : Common {
    std::string contact, text;
  };
  auto send = std::make_shared<SendArgs>();
  CLI::App* send_cmd = app.add_subcommand("send", "Send a message");
  AddCommon(send_cmd, *send);
  send_cmd->add_option("contact", send->contact, "Contact name")->required();
  send_cmd->add_option("text", send->text, "Message text")->required();
  send_cmd->callback([send, &ctx] {
    auto c = OpenClient(*send);
    if (!c) return ctx.FailOpen(c.error());
    auto sent = (*c)->Send(send->contact, send->text);
    if (!sent) return ctx.Fail(sent.error());
    // Refused for a reason that will not pass by itself: loud, exit 1; the
    // message waits in the outbox until it goes through or is cancelled.
    if (sent->refused) {
      return ctx.Fail(Status(sent->reason.code(),
                             std::string(sent->reason.message()) +
                                 " — the message stays in the outbox (`backchannel outbox`; "
                                 "`backchannel outbox --cancel " +
                                 sent->message_id.substr(0, 8) + "` withdraws it)"));
    }
    const std::string state = sent->queued ? "queued" : "sent";
    if (send->json) {
      Json j{{"state", state},
             {"sent", !sent->queued},
             {"contact", send->contact},
             {"id", sent->message_id}};
      if (sent->queued) j["reason"] = std::string(sent->reason.message());
      ctx.Emit(j);
    } else if (sent->queued) {
      ctx.out << "queued for " << send->contact << " (" << sent->reason.message()
              << "); it goes out on the next command that reaches the relay\n";
    } else {
      ctx.out << "sent to " << send->contact << "\n";
    }
  });

  // ---- outbox ----
  struct OutboxArgs : Common {
    std::string contact, cancel;
    bool flush = false;
  };
  auto outbox = std::make_shared<OutboxArgs>();
  CLI::App* outbox_cmd =
      app.add_subcommand("outbox", "Messages waiting to be posted: list, retry (--flush), cancel");
  AddCommon(outbox_cmd, *outbox);
  outbox_cmd->add_option("contact", outbox->contact, "Only this contact");
  outbox_cmd->add_flag("--flush", outbox->flush, "Try to post them now");
  outbox_cmd->add_option("--cancel", outbox->cancel,
                         "Withdraw the queued message with this id (or id prefix)");
  outbox_cmd->callback([outbox, &ctx] {
    auto c = OpenClient(*outbox);
    if (!c) return ctx.FailOpen(c.error());
    if (!outbox->cancel.empty()) {
      if (Status s = (*c)->CancelQueued(outbox->cancel); !s.ok()) return ctx.Fail(s);
      if (!outbox->json) ctx.out << "cancelled " << outbox->cancel << "\n";
    }
    client::FlushReport flushed;
    if (outbox->flush) {
      auto f = (*c)->FlushOutbox();
      if (!f) return ctx.Fail(f.error());
      flushed = std::move(*f);
      PrintRefused(ctx, flushed.errors);
    }
    auto entries = (*c)->Outbox(outbox->contact);
    if (!entries) return ctx.Fail(entries.error());
    if (outbox->json) {
      Json j{{"sent", flushed.sent}, {"queued", Json::array()}};
      for (const auto& e : *entries) {
        j["queued"].push_back(Json{{"id", e.message_id},
                                   {"contact", e.contact},
                                   {"created_ms", e.created_ms},
                                   {"attempts", e.attempts},
                                   {"last_error", e.last_error}});
      }
      ctx.Emit(j);
      return;
    }
    if (outbox->flush) ctx.out << "sent " << flushed.sent << "\n";
    if (entries->empty()) ctx.out << "The outbox is empty.\n";
    for (const auto& e : *entries) {
      ctx.out << e.message_id.substr(0, 8) << "  to " << e.contact << ", " << e.attempts
              << " failed tries" << (e.last_error.empty() ? "" : " (last: " + e.last_error + ")")
              << "\n";
    }
  });

  // ---- inbox ----
  struct InboxArgs : Common {
    std::string contact;
    bool offline = false;
  };
  auto inbox = std::make_shared<InboxArgs>();
  CLI::App* inbox_cmd =
      app.add_subcommand("inbox", "Fetch new messages from the relay and show the conversation");
  AddCommon(inbox_cmd, *inbox);
  inbox_cmd->add_option("contact", inbox->contact, "Only this contact");
  inbox_cmd->add_flag("--offline", inbox->offline, "Do not contact the relay");
  inbox_cmd->callback([inbox, &ctx] {
    auto c = OpenClient(*inbox);
    if (!c) return ctx.FailOpen(c.error());
    // Talks traffic arrives on the same channel: inbox receives as `talks
    // sync` does (the reactor runs) and shows what the talks did too.
    talks_client::SyncReport synced;
    if (!inbox->offline) {
      auto r = c->talks->Sync();
      if (!r) return ctx.Fail(r.error());
      synced = std::move(*r);
    }
    const client::ReceiveReport& report = synced.received;
    auto msgs = (*c)->Messages(inbox->contact);
    if (!msgs) return ctx.Fail(msgs.error());
    if (inbox->json) {
      Json j = ReportJson(report);
      j["talks"] = Json::array();
      for (const auto& h : synced.happenings) {
        j["talks"].push_back(Json{{"talks", h.talks}, {"text", h.text}});
      }
      j["messages"] = Json::array();
      for (const auto& m : *msgs) j["messages"].push_back(MessageJson(m));
      ctx.Emit(j);
      return;
    }
    PrintRefused(ctx, synced.refused);
    for (const auto& m : *msgs) PrintMessage(ctx.out, m);
    for (const auto& h : synced.happenings) PrintHappening(ctx.out, h);
  });

  // ---- listen ----
  struct ListenArgs : Common {
    double seconds = 0;
    int count = 0;
  };
  auto listen = std::make_shared<ListenArgs>();
  CLI::App* listen_cmd = app.add_subcommand("listen", "Stream messages as they arrive");
  AddCommon(listen_cmd, *listen);
  listen_cmd->add_option("--for", listen->seconds, "Stop after this many seconds (0: never)")
      ->check(CLI::NonNegativeNumber);
  listen_cmd->add_option("--count", listen->count, "Stop after this many lines (0: never)")
      ->check(CLI::NonNegativeNumber);
  listen_cmd->callback([listen, &ctx] {
    auto c = OpenClient(*listen);
    if (!c) return ctx.FailOpen(c.error());
    int seen = 0;
    Status s = c->talks->Listen(
        std::chrono::milliseconds(static_cast<std::int64_t>(listen->seconds * 1000)),
        [&](const client::StoredMessage& m) {
          if (listen->json) {
            Json line = MessageJson(m);
            line["event"] = "message";
            ctx.EmitLine(line);
          } else {
            PrintMessage(ctx.out, m);
          }
          ctx.out.flush();
          return listen->count == 0 || ++seen < listen->count;
        },
        [&](const talks_client::Happening& h) {
          if (listen->json) {
            ctx.EmitLine(Json{{"event", "happening"}, {"talks", h.talks}, {"text", h.text}});
          } else {
            PrintHappening(ctx.out, h);
          }
          ctx.out.flush();
          return listen->count == 0 || ++seen < listen->count;
        },
        [&](const Status& refused) { ctx.err << "warning: " << refused.message() << "\n"; },
        [&](const client::ConnectionEvent& e) {
          if (e.kind == client::ConnectionEvent::Kind::kDropped) {
            ctx.err << "* lost the relay (" << e.cause.message() << "); reconnecting\n";
          } else {
            ctx.err << "* reconnected to the relay\n";
          }
          ctx.err.flush();
        });
    if (!s.ok()) ctx.Fail(s);
  });

  // ---- fingerprint ----
  struct FpArgs : Common {
    std::string contact;
    bool compared = false;
  };
  auto fp = std::make_shared<FpArgs>();
  CLI::App* fp_cmd = app.add_subcommand("fingerprint", "Safety number to compare with a contact");
  AddCommon(fp_cmd, *fp);
  fp_cmd->add_option("contact", fp->contact, "Contact name")->required();
  fp_cmd->add_flag("--compared", fp->compared,
                   "Record that you compared it in person and it matched");
  fp_cmd->callback([fp, &ctx] {
    auto c = OpenClient(*fp);
    if (!c) return ctx.FailOpen(c.error());
    if (fp->compared) {
      if (Status s = (*c)->MarkSafetyNumberCompared(fp->contact); !s.ok()) return ctx.Fail(s);
    }
    auto n = (*c)->Fingerprint(fp->contact);
    if (!n) return ctx.Fail(n.error());
    if (fp->json) {
      ctx.Emit(Json{{"contact", fp->contact}, {"safety_number", *n}, {"compared", fp->compared}});
    } else {
      ctx.out << "Safety number with " << fp->contact << ":\n" << *n << "\n";
      if (fp->compared) ctx.out << "Recorded: compared in person.\n";
    }
  });

  // ---- reset ----
  struct ResetArgs : Common {
    std::string contact, reason;
  };
  auto reset = std::make_shared<ResetArgs>();
  CLI::App* reset_cmd = app.add_subcommand("reset", "Start a new session with a contact");
  AddCommon(reset_cmd, *reset);
  reset_cmd->add_option("contact", reset->contact, "Contact name")->required();
  reset_cmd->add_option("--reason", reset->reason, "Told to the contact");
  reset_cmd->callback([reset, &ctx] {
    auto c = OpenClient(*reset);
    if (!c) return ctx.FailOpen(c.error());
    if (Status s = (*c)->ResetSession(reset->contact, reset->reason); !s.ok()) return ctx.Fail(s);
    if (reset->json) {
      ctx.Emit(Json{{"reset", reset->contact}});
    } else {
      ctx.out << "New session started with " << reset->contact << "\n";
    }
  });

  // ---- status ----
  auto status = std::make_shared<Common>();
  CLI::App* status_cmd = app.add_subcommand("status", "Identity, relay and mailbox state");
  AddCommon(status_cmd, *status);
  status_cmd->callback([status, &ctx] {
    auto c = OpenClient(*status);
    if (!c) return ctx.FailOpen(c.error());
    auto st = (*c)->GetStatus();
    if (!st) return ctx.Fail(st.error());
    if (status->json) {
      Json j{{"identity_key", st->identity_key},
             {"display_name", st->display_name},
             {"has_credential", st->has_credential},
             {"relay", st->relay},
             {"mailbox", st->mailbox},
             {"contacts", st->contacts},
             {"local_one_time_prekeys", st->local_one_time_prekeys},
             {"outbox", st->outbox},
             {"relay_reachable", st->relay_status.ok()}};
      if (st->relay_status.ok()) {
        j["queued"] = st->mailbox_status.queued;
        j["one_time_remaining"] = st->mailbox_status.one_time_remaining;
      } else {
        j["relay_error"] = std::string(st->relay_status.message());
      }
      ctx.Emit(j);
      return;
    }
    ctx.out << "Identity key: " << st->identity_key << "\n"
            << "Credential:   " << (st->has_credential ? st->display_name : "(none imported)")
            << "\nRelay:        " << st->relay << "  mailbox " << st->mailbox << "\n"
            << "Contacts:     " << st->contacts << "\n"
            << "Outbox:       " << st->outbox << " waiting to be posted\n";
    if (st->relay_status.ok()) {
      ctx.out << "Queued:       " << st->mailbox_status.queued << "\n"
              << "Prekeys:      " << st->mailbox_status.one_time_remaining << " at the relay\n";
    } else {
      ctx.out << "Relay:        unreachable (" << st->relay_status.message() << ")\n";
    }
  });
}

}  // namespace backchannel::cli
