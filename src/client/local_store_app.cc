// Application data (app values and logs, keys and log names as keyed
// indexes) and the plain settings.
#include "client/local_store_impl.h"

namespace backchannel::client {

namespace {

Status CheckAppName(const std::string& app) {
  if (IsValidAppName(app)) return Status::Ok();
  return InvalidArgument("app name '" + app + "' is not 1..32 characters [a-z0-9_-]");
}

Status CheckAppKey(const std::string& key, const char* what) {
  if (key.empty() || key.size() > kMaxAppKeySize) {
    return InvalidArgument(std::string("app ") + what + " must be 1.." +
                           std::to_string(kMaxAppKeySize) + " bytes");
  }
  return Status::Ok();
}

Status CheckAppValue(ByteView value) {
  if (value.size() > kMaxAppValueSize) {
    return InvalidArgument("app value is over " + std::to_string(kMaxAppValueSize) + " bytes");
  }
  return Status::Ok();
}

}  // namespace

Status LocalStore::PutAppValue(const std::string& app, const std::string& key, ByteView value) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  BC_RETURN_IF_ERROR(CheckAppValue(value));
  const std::string index = impl_->AppKeyIndex(app, key);
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare(
        "INSERT OR REPLACE INTO app_values (app, key, sealed_key, value) VALUES (?, ?, ?, ?)");
    s.Bind(1, app)
        .Bind(2, index)
        .BindBlob(3, impl_->Seal(AsBytes(key), KeyAd(app, index)))
        .BindBlob(4, impl_->Seal(value, ValueAd(app, index)));
    return s.Run();
  });
}

Result<std::optional<Bytes>> LocalStore::GetAppValue(const std::string& app,
                                                     const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  const std::string index = impl_->AppKeyIndex(app, key);
  sqlite::Statement s =
      impl_->db->Prepare("SELECT value FROM app_values WHERE app = ? AND key = ?");
  s.Bind(1, app).Bind(2, index);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<Bytes>();
  BC_ASSIGN_OR_RETURN(auto value, impl_->Unseal(s.ColumnBlob(0), ValueAd(app, index)));
  return std::optional<Bytes>(value.ExposeCopy());
}

Status LocalStore::DeleteAppValue(const std::string& app, const std::string& key) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(key, "key"));
  return Transaction([&] {
    sqlite::Statement s = impl_->db->Prepare("DELETE FROM app_values WHERE app = ? AND key = ?");
    s.Bind(1, app).Bind(2, impl_->AppKeyIndex(app, key));
    return s.Run();
  });
}

Result<std::vector<std::string>> LocalStore::ListAppKeys(const std::string& app,
                                                         const std::string& prefix) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  // The keys are indexes in the table: every key of the app is unsealed,
  // then filtered and sorted bytewise here.
  std::vector<std::string> out;
  sqlite::Statement s = impl_->db->Prepare("SELECT key, sealed_key FROM app_values WHERE app = ?");
  s.Bind(1, app);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    auto key = impl_->Unseal(s.ColumnBlob(1), KeyAd(app, s.ColumnText(0)));
    if (!key) {
      return Corrupt("store: a key of app '" + app +
                     "' fails authentication (the store file was tampered with or is corrupt)");
    }
    std::string text(AsString(key->view()));
    if (text.compare(0, prefix.size(), prefix) == 0) out.push_back(std::move(text));
  }
  std::sort(out.begin(), out.end());
  return out;
}

Result<std::int64_t> LocalStore::AppendAppLog(const std::string& app, const std::string& log,
                                              ByteView entry) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(log, "log name"));
  BC_RETURN_IF_ERROR(CheckAppValue(entry));
  std::int64_t seq = 0;
  const std::string index = impl_->AppLogIndex(app, log);
  BC_RETURN_IF_ERROR(Transaction([&] {
    // The next seq follows both the head and the rows, so deleting the last
    // row (or the head) never makes a seq come back.
    sqlite::Statement last = impl_->db->Prepare(
        "SELECT MAX(COALESCE((SELECT last_seq FROM app_log_heads WHERE app = ?1 AND log = "
        "?2), 0), COALESCE((SELECT MAX(seq) FROM app_log WHERE app = ?1 AND log = ?2), 0))");
    last.Bind(1, app).Bind(2, index);
    BC_ASSIGN_OR_RETURN(bool row, last.Step());
    (void)row;
    seq = last.ColumnInt64(0) + 1;
    sqlite::Statement ins =
        impl_->db->Prepare("INSERT INTO app_log (app, log, seq, entry) VALUES (?, ?, ?, ?)");
    ins.Bind(1, app).Bind(2, index).Bind(3, seq).BindBlob(
        4, impl_->Seal(entry, LogAd(app, index, seq)));
    BC_RETURN_IF_ERROR(ins.Run());
    sqlite::Statement head = impl_->db->Prepare(
        "INSERT OR REPLACE INTO app_log_heads (app, log, last_seq) VALUES (?, ?, ?)");
    head.Bind(1, app).Bind(2, index).Bind(3, seq);
    return head.Run();
  }));
  return seq;
}

namespace {

Status LogEntryCorrupt(const std::string& app, const std::string& log, std::int64_t seq) {
  return Corrupt("store: app_log entry " + std::to_string(seq) + " fails authentication (app '" +
                 app + "', log '" + log + "'; the store file was tampered with or is corrupt)");
}

}  // namespace

Result<std::vector<AppLogEntry>> LocalStore::ListAppLogLenient(const std::string& app,
                                                               const std::string& log,
                                                               std::int64_t after_seq) {
  BC_RETURN_IF_ERROR(CheckAppName(app));
  BC_RETURN_IF_ERROR(CheckAppKey(log, "log name"));
  std::vector<AppLogEntry> out;
  const std::string index = impl_->AppLogIndex(app, log);
  sqlite::Statement s = impl_->db->Prepare(
      "SELECT seq, entry FROM app_log WHERE app = ? AND log = ? AND seq > ? ORDER BY seq");
  s.Bind(1, app).Bind(2, index).Bind(3, after_seq);
  for (;;) {
    BC_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AppLogEntry e;
    e.seq = s.ColumnInt64(0);
    auto opened = impl_->Unseal(s.ColumnBlob(1), LogAd(app, index, e.seq));
    if (opened) {
      e.entry = opened->ExposeCopy();
    } else {
      e.status = LogEntryCorrupt(app, log, e.seq);
    }
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<AppLogEntry>> LocalStore::ListAppLog(const std::string& app,
                                                        const std::string& log,
                                                        std::int64_t after_seq) {
  BC_ASSIGN_OR_RETURN(auto entries, ListAppLogLenient(app, log, after_seq));
  for (const auto& e : entries) {
    if (!e.status.ok()) return e.status;
  }
  return entries;
}

// ---- settings ----

Status LocalStore::PutSetting(const std::string& key, const std::string& value) {
  return Transaction([&] {
    sqlite::Statement s =
        impl_->db->Prepare("INSERT OR REPLACE INTO settings (k, v) VALUES (?, ?)");
    s.Bind(1, key).Bind(2, value);
    return s.Run();
  });
}

Result<std::optional<std::string>> LocalStore::GetSetting(const std::string& key) {
  sqlite::Statement s = impl_->db->Prepare("SELECT v FROM settings WHERE k = ?");
  s.Bind(1, key);
  BC_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(s.ColumnText(0));
}

}  // namespace backchannel::client
