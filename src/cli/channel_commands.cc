// The channel commands of `backchannel` (docs/cli.md, "Channel commands"):
// init, credential import, trust add|revocations, invite, accept, contacts,
// send, inbox, listen, fingerprint, reset, status — a thin layer over the
// application core (app/channel.h, app/home.h, app/channel_input.h). Every command takes --home,
// --json and
// --passphrase-file (or BACKCHANNEL_PASSPHRASE, or a prompt).
#include <filesystem>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <sstream>

#include "backchannel/app/channel_input.h"
#include "backchannel/app/home.h"
#include "backchannel/app/request.h"
#include "backchannel/common/file_io.h"
#include "backchannel/common/terminal_text.h"
#include "cli/app_lock.h"
#include "cli/cli.h"
#include "cli/client_common.h"

namespace backchannel::cli {
namespace {

using Json = nlohmann::ordered_json;

// `arg` is a file holding the text (its first line), or the text itself.
Result<std::string> TextArg(const std::string& arg) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(arg, ec)) return arg;
  BC_ASSIGN_OR_RETURN(std::string text, ReadFile(arg));
  text.resize(std::min(text.size(), text.find('\n')));
  if (!text.empty() && text.back() == '\r') text.pop_back();
  return text;
}

// A refusal of what came from a file names the file.
Status NamingTheFile(const Status& status, const std::string& arg) {
  std::error_code ec;
  return std::filesystem::is_regular_file(arg, ec) ? status.WithContext(arg) : status;
}

// " [queued]" after an outgoing line that has not reached the relay yet.
std::string DeliveryMark(const std::optional<std::string>& delivery) {
  if (delivery && (*delivery == "queued" || *delivery == "cancelled"))
    return " [" + *delivery + "]";
  return "";
}

// One line of the conversation as text. The body may hold line breaks: lines
// after the first are printed behind "   | ", which no line of a message, a
// notice ("* ") or an outgoing line ("you -> ") begins with, and names are
// quoted when they could pass for the frame (DisplayName); what is printed
// is neutralised on the way out (terminal_filter.h).
void PrintMessage(std::ostream& out, const app::MessageView& m) {
  const std::string who = DisplayName(m.contact);
  std::string head = "* ";
  if (m.direction == "in") head = who + ": ";
  if (m.direction == "out") head = "you -> " + who + DeliveryMark(m.delivery) + ": ";
  PrintLines(out, head, m.body);
}

// An authority key as the user pastes it: base64url (as `trust list`,
// `authority show` print it) or hex.
Result<identity::AuthorityPublicKey> KeyArg(const std::string& text) {
  auto key = app::ParseKeyText(text);
  if (key) return key;
  return InvalidArgument("'" + text + "' is not a 32-byte key (base64url or hex)");
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
    // The application core creates homes for every face (the web app's
    // /api/init too).
    bool at_store = false;
    auto made =
        app::CreateHome({Access(*init), init->kdf, {init->relay, init->pin, ""}}, &at_store);
    if (!made) return at_store ? ctx.FailOpen(made.error()) : ctx.Fail(made.error());
    const app::InitView* st = &*made;
    if (init->json) return ctx.Emit(app::ToJson(*st));
    ctx.out << "Initialised " << st->home << "\nIdentity key: " << st->identity_key
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
    auto text = TextArg(cred->credential);
    if (!text) return ctx.Fail(text.error());
    // Bad text is refused before the store is opened (no passphrase asked).
    if (Status parsed = app::CheckCredentialText(*text); !parsed.ok()) {
      return ctx.Fail(NamingTheFile(parsed, cred->credential));
    }
    auto c = OpenClient(*cred);
    if (!c) return ctx.FailOpen(c.error());
    auto imported = c->channel().ImportCredential(*text);
    if (!imported) return ctx.Fail(NamingTheFile(imported.error(), cred->credential));
    if (cred->json) return ctx.Emit(app::ToJson(*imported));
    ctx.out << "Credential imported: " << imported->display_name << ", " << imported->role << " of "
            << imported->side << ", valid until " << app::FormatUtcTime(imported->expiry) << "\n";
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
                      "Roles it may accredit, comma-separated (default: envoy,principal,mediator;\n"
                      "track2 only when named)");
  add_cmd->add_option("--label", trust->label, "Name shown for it (default: the first side)");
  add_cmd->callback([trust, &ctx] {
    auto key = KeyArg(trust->key);
    if (!key) return ctx.Fail(key.error());
    std::vector<std::string> role_names;
    std::stringstream roles(trust->roles);
    for (std::string r; std::getline(roles, r, ',');) {
      if (!app::CheckRoleName(r).ok()) {
        return ctx.Fail(InvalidArgument("--roles: '" + r +
                                        "' is not a role (envoy, principal, mediator, track2)"));
      }
      role_names.push_back(r);
    }
    const std::string label = trust->label.empty() ? trust->sides.front() : trust->label;
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    app::Channel channel = c->channel();
    auto done = app::TrustAuthority(channel, *key, label, trust->sides, role_names);
    if (!done) return ctx.Fail(done.error());
    if (trust->json) {
      Json j = app::ToJson(*done);
      j["trusted"] = label;
      return ctx.Emit(j);
    }
    ctx.out << "Trusting " << label << " for " << trust->roles << " of";
    for (const auto& side : trust->sides) ctx.out << " '" << side << "'";
    ctx.out << "\n";
    for (const auto& e : done->refused) ctx.err << "warning: " << e.message << "\n";
    for (const auto& m : done->received) PrintMessage(ctx.out, m);
  });
  CLI::App* list_cmd = trust_group->add_subcommand("list", "The authorities you trust");
  AddCommon(list_cmd, *trust);
  list_cmd->callback([trust, &ctx] {
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    auto all = c->channel().Authorities();
    if (!all) return ctx.Fail(all.error());
    if (trust->json) {
      return ctx.Emit(Json{{"authorities", app::ToJsonArray(*all)}});
    }
    for (const auto& a : *all) {
      ctx.out << DisplayName(a.label) << "  " << a.key << "\n    ";
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
  });
  CLI::App* remove_cmd = trust_group->add_subcommand("remove", "Stop trusting an authority");
  AddCommon(remove_cmd, *trust);
  remove_cmd->add_option("key", trust->key, "Authority public key (base64url or hex)")->required();
  remove_cmd->callback([trust, &ctx] {
    auto key = KeyArg(trust->key);
    if (!key) return ctx.Fail(key.error());
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    if (Status s = c->channel().Distrust(*key); !s.ok()) return ctx.Fail(s);
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
    auto all = c->channel().Pending(trust->refuse);
    if (!all) return ctx.Fail(all.error());
    if (trust->json) {
      return ctx.Emit(Json{{"pending", app::ToJsonArray(*all)}});
    }
    for (const auto& p : *all) {
      if (p.authority_key.empty()) {
        ctx.out << p.number << "  a message waiting behind its sender's request\n";
        continue;
      }
      ctx.out << p.number << "  " << DisplayName(p.name) << ", " << p.role << " of '" << p.side
              << "'\n    to accept: backchannel trust add --side " << ShellWord(p.side)
              << " --roles " << p.role << " -- " << p.authority_key << "\n";
    }
    if (all->empty()) ctx.out << "No requests are waiting.\n";
  });
  CLI::App* rev_cmd =
      trust_group->add_subcommand("revocations", "Install an authority's newer revocation list");
  AddCommon(rev_cmd, *trust);
  rev_cmd->add_option("list", trust->list, "Revocation list text (base64url) or a file")
      ->required();
  rev_cmd->callback([trust, &ctx] {
    auto text = TextArg(trust->list);
    if (!text) return ctx.Fail(text.error());
    // Bad text is refused before the store is opened (no passphrase asked).
    if (Status parsed = app::CheckRevocationListText(*text); !parsed.ok()) {
      return ctx.Fail(NamingTheFile(parsed, trust->list));
    }
    auto c = OpenClient(*trust);
    if (!c) return ctx.FailOpen(c.error());
    auto installed = c->channel().ImportRevocations(*text);
    if (!installed) return ctx.Fail(NamingTheFile(installed.error(), trust->list));
    if (trust->json) return ctx.Emit(app::ToJson(*installed));
    ctx.out << "Revocation list #" << installed->sequence << " installed ("
            << installed->revoked.size() << " revoked)\n";
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
    auto made = c->channel().Invite(invite->rotate);
    if (!made) return ctx.Fail(made.error());
    if (invite->json) return ctx.Emit(app::ToJson(*made));
    if (made->contacts_told) {
      ctx.out << "Delivery token replaced: earlier invitations no longer work; "
              << *made->contacts_told << " contact(s) told the new address.\n";
    }
    ctx.out << made->code << "\n";
    if (!invite->no_qr) {
      auto qr = app::TerminalQr(made->code);
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
    // A damaged code is refused before the store is opened (no passphrase asked).
    if (Status inv = app::CheckInvitationCode(accept->code); !inv.ok()) return ctx.Fail(inv);
    auto c = OpenClient(*accept);
    if (!c) return ctx.FailOpen(c.error());
    auto accepted = c->channel().Accept(accept->code, accept->name, accept->trust_authority);
    if (!accepted) return ctx.Fail(accepted.error());
    if (accept->json) return ctx.Emit(app::ToJson(*accepted));
    ctx.out << "Session opened with " << accepted->contact << " (authority " << accepted->authority
            << "); your credential was sent inside it.\n";
  });

  // ---- contacts ----
  auto contacts = std::make_shared<Common>();
  CLI::App* contacts_cmd = app.add_subcommand("contacts", "List your contacts");
  AddCommon(contacts_cmd, *contacts);
  contacts_cmd->callback([contacts, &ctx] {
    auto c = OpenClient(*contacts);
    if (!c) return ctx.FailOpen(c.error());
    auto list = c->channel().Contacts();
    if (!list) return ctx.Fail(list.error());
    if (contacts->json) {
      return ctx.Emit(Json{{"contacts", app::ToJsonArray(*list)}});
    }
    for (const auto& k : *list) {
      ctx.out << DisplayName(k.name) << "  "
              << (k.role.empty() ? "(credential not yet received)" : k.role) << "  [" << k.authority
              << "]"
              << (k.safety_number_compared  ? "  safety number compared"
                  : k.introduced_by.empty() ? "  safety number not compared"
                                            : "  introduced by " + k.introduced_by +
                                                  ": credential checked, not compared in person")
              << "\n";
    }
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
    const app::SendRequest request{send->contact, send->text};
    // Bad input is refused before the passphrase is asked for.
    if (Status s = app::ValidateRequest(request); !s.ok()) return ctx.Fail(s);
    auto c = OpenClient(*send);
    if (!c) return ctx.FailOpen(c.error());
    auto sent = c->channel().Send(request);
    if (!sent) return ctx.Fail(sent.error());
    if (send->json) {
      ctx.Emit(app::ToJson(*sent));
    } else if (sent->state == "queued") {
      ctx.out << "queued for " << send->contact << " (" << sent->reason
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
    auto view = c->channel().Outbox(outbox->contact, outbox->flush, outbox->cancel);
    if (!view) return ctx.Fail(view.error());
    for (const auto& e : view->errors) ctx.err << "warning: " << e.message << "\n";
    if (outbox->json) return ctx.Emit(app::ToJson(*view));
    if (!outbox->cancel.empty()) ctx.out << "cancelled " << outbox->cancel << "\n";
    if (outbox->flush) ctx.out << "sent " << view->sent << "\n";
    if (view->queued.empty()) ctx.out << "The outbox is empty.\n";
    for (const auto& e : view->queued) {
      ctx.out << e.id.substr(0, 8) << "  to " << e.contact << ", " << e.attempts << " failed tries"
              << (e.last_error.empty() ? "" : " (last: " + e.last_error + ")") << "\n";
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
    auto view = c->channel().Inbox({inbox->contact, inbox->offline});
    if (!view) return ctx.Fail(view.error());
    if (inbox->json) return ctx.Emit(app::ToJson(*view));
    for (const auto& w : view->warnings) ctx.err << "warning: " << w.message << "\n";
    for (const auto& m : view->messages) PrintMessage(ctx.out, m);
    for (const auto& h : view->talks) PrintHappening(ctx.out, h);
    for (const auto& f : view->feelers) PrintLines(ctx.out, "[feeler] ", f);
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
    // Beside a running app both would take the pushed messages (and the
    // page would miss what this process acknowledged): the app listens.
    if (Status s = RefuseBesideApp(HomeDir(*listen), "listen",
                                   "the app receives this home's messages; read them in its "
                                   "page, or stop the app first");
        !s.ok()) {
      return ctx.Fail(s);
    }
    auto c = OpenClient(*listen);
    if (!c) return ctx.FailOpen(c.error());
    int seen = 0;
    Status s = c->Listen(
        std::chrono::milliseconds(static_cast<std::int64_t>(listen->seconds * 1000)),
        [&](const app::MessageView& m) {
          if (listen->json) {
            Json line = app::ToJson(m);
            line["event"] = "message";
            ctx.EmitLine(line);
          } else {
            PrintMessage(ctx.out, m);
          }
          ctx.out.flush();
          return listen->count == 0 || ++seen < listen->count;
        },
        [&](const app::HappeningView& h) {
          if (listen->json) {
            ctx.EmitLine(Json{{"event", "happening"}, {"talks", h.talks}, {"text", h.text}});
          } else {
            PrintHappening(ctx.out, h);
          }
          ctx.out.flush();
          return listen->count == 0 || ++seen < listen->count;
        },
        [&](const app::Error& refused) { ctx.err << "warning: " << refused.message << "\n"; },
        [&](const app::ConnectionView& e) {
          if (e.dropped) {
            ctx.err << "* lost the relay (" << e.cause << "); reconnecting\n";
          } else {
            ctx.err << "* reconnected to the relay\n";
          }
          ctx.err.flush();
        },
        // Feeler messages pushed meanwhile: the core posts what their
        // exchanges answer; show what happened.
        [&](const Result<app::FeelersSettled>& settled) {
          if (!settled) {
            ctx.err << "warning: feelers: " << settled.error().message() << "\n";
            return true;
          }
          for (const auto& r : settled->refused) ctx.err << "warning: " << r.message << "\n";
          for (const auto& e : settled->events) {
            if (listen->json) {
              ctx.EmitLine(Json{{"event", "feeler"}, {"text", e}});
            } else {
              PrintLines(ctx.out, "[feeler] ", e);
            }
            ctx.out.flush();
            if (listen->count != 0 && ++seen >= listen->count) return false;
          }
          return true;
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
    auto n = c->channel().Fingerprint(fp->contact, fp->compared);
    if (!n) return ctx.Fail(n.error());
    if (fp->json) return ctx.Emit(app::ToJson(*n));
    ctx.out << "Safety number with " << n->contact << ":\n" << n->safety_number << "\n";
    if (n->compared) ctx.out << "Recorded: compared in person.\n";
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
    if (Status s = c->channel().Reset(reset->contact, reset->reason); !s.ok()) return ctx.Fail(s);
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
    auto st = c->channel().HomeStatus();
    if (!st) return ctx.Fail(st.error());
    if (status->json) return ctx.Emit(app::ToJson(*st));
    ctx.out << "Identity key: " << st->identity_key << "\n"
            << "Credential:   " << (st->has_credential ? st->display_name : "(none imported)")
            << "\nRelay:        " << st->relay << "  mailbox " << st->mailbox << "\n"
            << "Contacts:     " << st->contacts << "\n"
            << "Outbox:       " << st->outbox << " waiting to be posted\n";
    if (st->relay_reachable) {
      ctx.out << "Queued:       " << st->queued << "\n"
              << "Prekeys:      " << st->one_time_remaining << " at the relay\n";
    } else {
      ctx.out << "Relay:        unreachable (" << st->relay_error << ")\n";
    }
  });
}

}  // namespace backchannel::cli
