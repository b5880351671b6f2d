// What an app above the client (talks) may touch of the client's store:
// its own values and logs, under its own app name, inside transactions; and
// read-only facts about contacts (who they are, whether they presented a
// credential). Not the whole LocalStore: an app cannot read or change
// sessions, trust, the outbox, other apps' data or the messages table.
//
// Values and logs are LocalStore's app data (local_store.h, "application
// data"): encrypted and authenticated under the store key, every argument
// checked (kInvalidArgument). Writes made inside an app handler roll back
// with it (client.h, "App messages").
//
// Thread safety: as the Client it comes from (not thread-safe).
#ifndef BACKCHANNEL_CLIENT_APP_STORE_H_
#define BACKCHANNEL_CLIENT_APP_STORE_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "backchannel/client/local_store.h"
#include "backchannel/common/bytes.h"
#include "backchannel/common/result.h"
#include "backchannel/session/keys.h"

namespace backchannel::client {

// A contact as an app sees it.
struct AppContact {
  std::string name;
  session::PublicKey identity_key{};
  Bytes credential;  // empty until they presented one that was verified
};

class AppStore {
 public:
  // `store` must outlive this object.
  AppStore(LocalStore& store, std::string app) : store_(store), app_(std::move(app)) {}

  const std::string& app() const { return app_; }

  // Runs `body` in one write transaction (nested: a savepoint).
  Status Transaction(const std::function<Status()>& body) { return store_.Transaction(body); }

  Status Put(const std::string& key, ByteView value) {
    return store_.PutAppValue(app_, key, value);
  }
  Result<std::optional<Bytes>> Get(const std::string& key) { return store_.GetAppValue(app_, key); }
  Status Delete(const std::string& key) { return store_.DeleteAppValue(app_, key); }
  Result<std::vector<std::string>> ListKeys(const std::string& prefix = "") {
    return store_.ListAppKeys(app_, prefix);
  }

  Result<std::int64_t> Append(const std::string& log, ByteView entry) {
    return store_.AppendAppLog(app_, log, entry);
  }
  Result<std::vector<AppLogEntry>> ListLog(const std::string& log, std::int64_t after_seq = 0) {
    return store_.ListAppLog(app_, log, after_seq);
  }
  Result<std::vector<AppLogEntry>> ListLogLenient(const std::string& log,
                                                  std::int64_t after_seq = 0) {
    return store_.ListAppLogLenient(app_, log, after_seq);
  }

  // kNotFound when there is no such contact.
  Result<AppContact> Contact(const std::string& name);
  Result<std::optional<AppContact>> ContactByIdentity(const session::PublicKey& identity_key);

 private:
  LocalStore& store_;
  std::string app_;
};

}  // namespace backchannel::client

#endif  // BACKCHANNEL_CLIENT_APP_STORE_H_
