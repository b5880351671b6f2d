// Introductions (docs/talks.md, "Introductions"): the messages by which a
// host introduces the members at its table to each other, so that each
// member needs one channel — with the host — and opens the others itself.
//
//   cards         a member → the host: for each member it must meet, a fresh
//                 single-use invitation of its own (text form, bc1-…)
//   introduction  host → one member: the author's invitation and the
//                 credential the host verified when their channel opened
//
// They travel as app payloads named `introduce`, never in the talks record.
// This file is the pure codec (strict: every field typed and bounded, the
// member ids checked as "05" + 64 hex digits) and the rule of who makes a
// card; checking credentials and opening sessions is the client's
// (client.h, AcceptIntroduction).
//
// Thread safety: every function is safe to call from any thread.
#ifndef BACKCHANNEL_TALKS_INTRODUCTION_H_
#define BACKCHANNEL_TALKS_INTRODUCTION_H_

#include <string>
#include <string_view>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/talks/message.h"

namespace backchannel::talks {

inline constexpr std::string_view kIntroductionApp = "introduce";
inline constexpr std::size_t kMaxInvitationText = 1024;
inline constexpr std::size_t kMaxCredentialSize = 2048;
inline constexpr std::size_t kMaxCards = 64;

struct Card {
  std::string member;      // whom the invitation is for (member id)
  std::string invitation;  // the author's invitation code, fresh ticket
  bool operator==(const Card&) const = default;
};

struct IntroductionMessage {
  enum class Type { kCards, kIntroduction };
  Type type = Type::kCards;
  std::string talks;
  std::vector<Card> cards;  // kCards
  // kIntroduction: the member introduced, as the host seated them.
  std::string member;
  std::string name;
  std::string invitation;
  Bytes credential;
  bool operator==(const IntroductionMessage&) const = default;
};

Bytes EncodeIntroduction(const IntroductionMessage& message);
// kInvalidMessage naming the field; kUnsupportedVersion for another "v".
Result<IntroductionMessage> DecodeIntroduction(ByteView bytes);

// Checks an introduction against the seat the receiver's own roster gives
// the member it introduces: the seat's name, and a credential for the
// seat's role (`credential_role` as identity::RoleName spells it: "envoy",
// "principal", "mediator", "track2"); any role may sit as a guarantor.
// kUntrusted naming what differs. Whom one may be introduced to (the table
// by the host, a side's principals by its envoy) is the client's check.
Status CheckIntroducedSeat(const Member& seat, std::string_view introduced_name,
                           std::string_view credential_role);

// Of two table members who are not yet contacts, the one with the greater
// member id makes the card, so each pair is introduced once whoever joined
// first.
inline bool MakesCardFor(std::string_view self, std::string_view other) { return self > other; }

}  // namespace backchannel::talks

#endif  // BACKCHANNEL_TALKS_INTRODUCTION_H_
