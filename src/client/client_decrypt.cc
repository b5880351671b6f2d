// A contact's message through its session: a Signal message with the
// current session, a PreKey message with the session or (a reset from the
// same identity key) a new one.
#include "client/client_impl.h"

namespace backchannel::client {

Result<Decrypted> Client::Impl::Decrypt(const Contact& contact,
                                        const envelope::InnerEnvelope& inner) const {
  Decrypted d;
  if (!contact.session.empty()) {
    BC_ASSIGN_OR_RETURN(auto s, session::Session::Deserialize(contact.session.view()));
    d.session.emplace(std::move(s));
  }
  d.plain = FailedPrecondition("no session with " + contact.name);
  if (inner.content_type == session::CiphertextMessage::Type::kPreKey) {
    BC_ASSIGN_OR_RETURN(auto prekeys, store().LoadPreKeys());
    if (d.session) {
      d.plain = d.session->DecryptPreKey(identity.key_pair, prekeys, inner.ciphertext, &d.consumed);
    } else {
      auto acc = session::Session::Accept(identity.key_pair, identity.registration_id, prekeys,
                                          inner.ciphertext);
      if (acc) {
        d.session.emplace(std::move(acc->session));
        d.consumed = acc->consumed_one_time_pre_key;
        d.plain = std::move(acc->plaintext);
      } else {
        d.plain = acc.error();
      }
    }
  } else if (d.session) {
    d.plain = d.session->Decrypt(inner.message());
  }
  return d;
}

}  // namespace backchannel::client
