// Reading and writing a store's SQLite file behind the store's back, for the
// tests that plant old layouts, tamper with rows or check what the file
// holds: RawExec runs statements, RawText reads one value as text,
// RawColumnHex one column as hex, RawDump every table's every row (what "the
// file did not change" means) and RawSchemaVersion the version the store
// recorded. Failures are gtest failures in the calling test.
//
// Thread safety: each call opens and closes its own connection.
#ifndef BACKCHANNEL_TESTS_TESTING_RAW_SQLITE_H_
#define BACKCHANNEL_TESTS_TESTING_RAW_SQLITE_H_

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "backchannel/common/bytes.h"
#include "backchannel/common/encoding.h"

namespace backchannel::testing {

// Runs `sql` (one or more statements) on the file at `path`.
inline void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
      << sql << ": " << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

namespace raw_sqlite_internal {
// Column `i` of the current row as hex, or "NULL".
inline std::string CellHex(sqlite3_stmt* st, int i) {
  const auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, i));
  if (p == nullptr) return "NULL";
  return ToHex(ByteView(p, static_cast<std::size_t>(sqlite3_column_bytes(st, i))));
}

// Runs the query `sql` on the file, read only, and calls `on_row` with each
// row until it returns false.
template <typename OnRow>
void ForEachRow(const std::string& path, const std::string& sql, OnRow on_row) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
  while (sqlite3_step(st) == SQLITE_ROW && on_row(st)) {
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
}
}  // namespace raw_sqlite_internal

// The first column of the first row `sql` selects, as text; "" when there is
// no row or the value is NULL.
inline std::string RawText(const std::string& path, const std::string& sql) {
  std::string out;
  raw_sqlite_internal::ForEachRow(path, sql, [&](sqlite3_stmt* st) {
    if (sqlite3_column_text(st, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    }
    return false;
  });
  return out;
}

// Every value of the first column `sql` selects, as hex ("NULL" for NULL).
inline std::vector<std::string> RawColumnHex(const std::string& path, const std::string& sql) {
  std::vector<std::string> out;
  raw_sqlite_internal::ForEachRow(path, sql, [&](sqlite3_stmt* st) {
    out.push_back(raw_sqlite_internal::CellHex(st, 0));
    return true;
  });
  return out;
}

// Every table's every row, tables by name and rows by rowid, cells as hex:
// the whole logical content of the file, to compare before and after.
inline std::string RawDump(const std::string& path) {
  std::vector<std::string> tables;
  raw_sqlite_internal::ForEachRow(
      path, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
      [&](sqlite3_stmt* st) {
        tables.emplace_back(reinterpret_cast<const char*>(sqlite3_column_text(st, 0)));
        return true;
      });
  std::string out;
  for (const auto& t : tables) {
    out += "[" + t + "]\n";
    raw_sqlite_internal::ForEachRow(path, "SELECT * FROM \"" + t + "\" ORDER BY rowid",
                                    [&](sqlite3_stmt* st) {
                                      for (int i = 0; i < sqlite3_column_count(st); ++i) {
                                        out += "|" + raw_sqlite_internal::CellHex(st, i);
                                      }
                                      out += "\n";
                                      return true;
                                    });
  }
  return out;
}

// The schema version the store recorded (meta.schema_version, 8 bytes little
// endian); -1 when there is none.
inline std::int64_t RawSchemaVersion(const std::string& path) {
  std::int64_t v = -1;
  raw_sqlite_internal::ForEachRow(
      path, "SELECT v FROM meta WHERE k = 'schema_version'", [&](sqlite3_stmt* st) {
        if (sqlite3_column_bytes(st, 0) == 8) {
          const auto* b = static_cast<const std::uint8_t*>(sqlite3_column_blob(st, 0));
          v = 0;
          for (int i = 7; i >= 0; --i) v = (v << 8) | b[i];
        }
        return false;
      });
  return v;
}

}  // namespace backchannel::testing

#endif  // BACKCHANNEL_TESTS_TESTING_RAW_SQLITE_H_
