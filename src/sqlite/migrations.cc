#include "backchannel/sqlite/migrations.h"

#include <string>

namespace backchannel::sqlite {

Result<std::int64_t> ReadVersion(Connection& connection, const Schema& schema) {
  if (schema.legacy) {
    BC_ASSIGN_OR_RETURN(std::optional<std::int64_t> legacy, schema.legacy->read(connection));
    if (legacy) return *legacy;
  }
  return connection.QueryInt64("PRAGMA user_version");
}

Status CheckVersion(const Schema& schema, std::int64_t version) {
  if (version < 0) {
    return Corrupt(schema.name + " schema version " + std::to_string(version) + " is invalid");
  }
  if (version > schema.Latest()) {
    return {StatusCode::kUnsupportedVersion,
            schema.name + " schema version " + std::to_string(version) +
                " is newer than this build's " + std::to_string(schema.Latest())};
  }
  return Status::Ok();
}

Status Migrate(Connection& connection, const Schema& schema, std::optional<std::int64_t> target) {
  const std::int64_t to = target.value_or(schema.Latest());
  if (to < 0 || to > schema.Latest()) {
    return Internal(schema.name + ": no migration to version " + std::to_string(to));
  }
  return InTransaction(connection, [&]() -> Status {
    // Read inside the write transaction: another process may have migrated
    // the database since it was opened.
    BC_ASSIGN_OR_RETURN(std::int64_t version, ReadVersion(connection, schema));
    BC_RETURN_IF_ERROR(CheckVersion(schema, version));
    if (version >= to) return Status::Ok();
    for (std::int64_t v = version; v < to; ++v) {
      const Migration& step = schema.migrations[static_cast<std::size_t>(v)];
      const std::string context = schema.name + " migration " + std::to_string(v + 1);
      if (step.sql != nullptr) BC_RETURN_IF_ERROR(connection.Exec(step.sql).WithContext(context));
      if (step.code) BC_RETURN_IF_ERROR(step.code(connection).WithContext(context));
    }
    // PRAGMA takes no parameters; `to` is a number this function checked.
    BC_RETURN_IF_ERROR(connection.Exec("PRAGMA user_version = " + std::to_string(to)));
    if (schema.legacy) BC_RETURN_IF_ERROR(schema.legacy->write(connection, to));
    return Status::Ok();
  });
}

}  // namespace backchannel::sqlite
