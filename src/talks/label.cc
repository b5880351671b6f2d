// Authority labels (label.h).
#include "backchannel/talks/label.h"

namespace backchannel::talks {

Label LabelOf(Role role, Authority authority) {
  switch (role) {
    case Role::kMediator:
      return Label::kMediator;
    case Role::kGuarantor:
      return Label::kGuarantor;
    case Role::kTrack2:
      return Label::kUnofficial;
    case Role::kEnvoy:
    case Role::kPrincipal:
      break;
  }
  switch (authority) {
    case Authority::kCleared:
      return Label::kCleared;
    case Authority::kOwn:
      return Label::kOwn;
    case Authority::kExploratory:
      return Label::kExploratory;
  }
  return Label::kExploratory;
}

std::string_view LabelKey(Label label) {
  switch (label) {
    case Label::kCleared:
      return "cleared";
    case Label::kOwn:
      return "own";
    case Label::kExploratory:
      return "exploratory";
    case Label::kMediator:
      return "mediator";
    case Label::kGuarantor:
      return "guarantor";
    case Label::kUnofficial:
      return "unofficial";
  }
  return "exploratory";
}

std::string_view LabelText(Label label) {
  switch (label) {
    case Label::kOwn:
      return "on the envoy's own authority";
    case Label::kUnofficial:
      return "unofficial (Track 2)";
    case Label::kCleared:
    case Label::kExploratory:
    case Label::kMediator:
    case Label::kGuarantor:
      break;
  }
  return LabelKey(label);
}

}  // namespace backchannel::talks
