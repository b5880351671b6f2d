// The shared SQLite helper (backchannel/sqlite/connection.h) on real
// database files in a temporary directory.
#include "backchannel/sqlite/connection.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "sqlite/scratch_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::sqlite {
namespace {

using backchannel::testing::StatusIs;
using ::testing::HasSubstr;

class SqliteConnectionTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> OpenDb(int busy_timeout_ms = 1000) {
    auto c = Connection::Open(dir_.File("db.sqlite"), {true, busy_timeout_ms});
    EXPECT_OK(c);
    return c ? std::move(*c) : nullptr;
  }
  std::unique_ptr<Connection> OpenWithTable() {
    auto c = OpenDb();
    EXPECT_OK(c->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, s TEXT, b BLOB)"));
    return c;
  }
  static std::int64_t Count(Connection& c) { return *c.QueryInt64("SELECT count(*) FROM t"); }

  ScratchDir dir_;
};

TEST_F(SqliteConnectionTest, OpeningAMissingFileWithoutCreateIsAnIoError) {
  EXPECT_THAT(Connection::Open(dir_.File("absent.sqlite"), {false, 0}),
              StatusIs(StatusCode::kIoError, HasSubstr("absent.sqlite")));
  EXPECT_FALSE(std::filesystem::exists(dir_.File("absent.sqlite")));
}

TEST_F(SqliteConnectionTest, AFileThatIsNotADatabaseFailsAtTheFirstStatement) {
  std::ofstream(dir_.File("notes.txt")) << std::string(4096, 'x');
  auto c = Connection::Open(dir_.File("notes.txt"), {false, 0});
  ASSERT_OK(c);  // nothing is read yet
  EXPECT_THAT((*c)->QueryInt64("SELECT count(*) FROM sqlite_schema"),
              StatusIs(StatusCode::kIoError, HasSubstr("not a database")));
}

TEST_F(SqliteConnectionTest, BindsAndReadsEveryType) {
  auto c = OpenWithTable();
  ASSERT_OK(c->Prepare("INSERT INTO t (id, n, s, b) VALUES (?1, ?2, ?3, ?4)")
                .Bind(1, 7)
                .Bind(2, std::int64_t{-1} << 40)
                .Bind(3, std::string_view("naïve\0text", 11))
                .BindBlob(4, Bytes{0, 1, 255})
                .Run());
  EXPECT_EQ(c->Changes(), 1);
  EXPECT_EQ(c->LastInsertRowId(), 7);
  ASSERT_OK(c->Prepare("INSERT INTO t (id, n, s, b) VALUES (?1, ?2, ?3, ?4)")
                .Bind(1, 8)
                .BindNull(2)
                .BindNull(3)
                .BindBlob(4, Bytes{})
                .Run());

  Statement s = c->Prepare("SELECT n, s, b, b IS NULL FROM t ORDER BY id");
  ASSERT_EQ(*s.Step(), true);
  EXPECT_EQ(s.ColumnInt64(0), std::int64_t{-1} << 40);
  EXPECT_EQ(s.ColumnText(1), std::string("naïve\0text", 11));
  EXPECT_EQ(s.ColumnBlob(2), (Bytes{0, 1, 255}));
  ASSERT_EQ(*s.Step(), true);
  EXPECT_TRUE(s.ColumnIsNull(0));
  EXPECT_TRUE(s.ColumnIsNull(1));
  EXPECT_EQ(s.ColumnText(1), "");
  EXPECT_FALSE(s.ColumnIsNull(2)) << "an empty blob is bound as an empty blob, not NULL";
  EXPECT_EQ(s.ColumnInt64(3), 0);
  EXPECT_TRUE(s.ColumnBlob(2).empty());
  EXPECT_EQ(*s.Step(), false);
}

TEST_F(SqliteConnectionTest, ACachedStatementStartsCleanForTheNextUser) {
  auto c = OpenWithTable();
  static constexpr const char* kInsert = "INSERT INTO t (id, n) VALUES (?1, ?2)";
  ASSERT_OK(c->Prepare(kInsert).Bind(1, 1).Bind(2, 10).Run());
  // The bindings of the first use are cleared: ?2 is NULL unless bound again.
  ASSERT_OK(c->Prepare(kInsert).Bind(1, 2).Run());
  EXPECT_EQ(*c->QueryInt64("SELECT count(*) FROM t WHERE n IS NULL"), 1);
  EXPECT_EQ(*c->QueryInt64("SELECT n FROM t WHERE id = 1"), 10);
}

TEST_F(SqliteConnectionTest, TheSameSqlPreparedWhileInUseGetsItsOwnStatement) {
  auto c = OpenWithTable();
  ASSERT_OK(c->Exec("INSERT INTO t (id) VALUES (1), (2), (3)"));
  static constexpr const char* kAll = "SELECT id FROM t ORDER BY id";
  std::vector<std::int64_t> pairs;
  Statement outer = c->Prepare(kAll);
  for (;;) {
    auto row = outer.Step();
    ASSERT_OK(row);
    if (!*row) break;
    Statement inner = c->Prepare(kAll);  // would reset `outer` if shared
    while (*inner.Step()) pairs.push_back(outer.ColumnInt64(0) * 10 + inner.ColumnInt64(0));
  }
  EXPECT_EQ(pairs, (std::vector<std::int64_t>{11, 12, 13, 21, 22, 23, 31, 32, 33}));
}

TEST_F(SqliteConnectionTest, APrepareErrorIsReportedByRunAndRunsNothing) {
  auto c = OpenWithTable();
  EXPECT_THAT(c->PrepareOnce("INSERT INTO nowhere VALUES (1)").Bind(1, 5).Run(),
              StatusIs(StatusCode::kIoError, HasSubstr("no such table: nowhere")));
  EXPECT_THAT(c->Prepare("SELEC 1").Run(), StatusIs(StatusCode::kIoError, HasSubstr("syntax")));
  EXPECT_THAT(c->Exec("CREATE TABLE t (x)"),
              StatusIs(StatusCode::kIoError, HasSubstr("already exists")));
  EXPECT_THAT(c->QueryInt64("SELECT n FROM t"),
              StatusIs(StatusCode::kIoError, HasSubstr("no result")));
}

TEST_F(SqliteConnectionTest, ABindErrorIsReportedByRunAndChangesNothing) {
  auto c = OpenWithTable();
  // Index 3 does not exist: the insert must not run with ?1 alone.
  EXPECT_THAT(c->Prepare("INSERT INTO t (id, n) VALUES (?1, ?2)").Bind(1, 1).Bind(3, 9).Run(),
              StatusIs(StatusCode::kIoError, HasSubstr("column index out of range")));
  EXPECT_EQ(Count(*c), 0);
}

TEST_F(SqliteConnectionTest, AConstraintViolationIsAlreadyExists) {
  auto c = OpenWithTable();
  ASSERT_OK(c->Exec("INSERT INTO t (id) VALUES (1)"));
  EXPECT_THAT(c->Prepare("INSERT INTO t (id) VALUES (?1)").Bind(1, 1).Run(),
              StatusIs(StatusCode::kAlreadyExists, HasSubstr("UNIQUE constraint failed")));
  EXPECT_EQ(Count(*c), 1);
}

TEST_F(SqliteConnectionTest, AFullDatabaseIsUnavailable) {
  auto c = OpenWithTable();
  ASSERT_OK(c->QueryInt64("PRAGMA max_page_count = 3"));
  const Bytes big(64 * 1024, 1);
  EXPECT_THAT(c->Prepare("INSERT INTO t (id, b) VALUES (1, ?1)").BindBlob(1, big).Run(),
              StatusIs(StatusCode::kUnavailable, HasSubstr("full")));
  EXPECT_EQ(Count(*c), 0);
}

TEST_F(SqliteConnectionTest, AFullDatabaseIsWhatTheOwnerAskedFor) {
  OpenOptions options;
  options.create = true;
  options.disk_full = StatusCode::kIoError;
  auto c = Connection::Open(dir_.File("client.sqlite"), options);
  ASSERT_OK(c);
  ASSERT_OK((*c)->Exec("CREATE TABLE t (b BLOB)"));
  ASSERT_OK((*c)->QueryInt64("PRAGMA max_page_count = 3"));
  const Bytes big(64 * 1024, 1);
  EXPECT_THAT((*c)->Prepare("INSERT INTO t (b) VALUES (?1)").BindBlob(1, big).Run(),
              StatusIs(StatusCode::kIoError, HasSubstr("full")));
}

TEST_F(SqliteConnectionTest, ACommittedTransactionIsSeenByAnotherConnection) {
  auto c = OpenWithTable();
  {
    auto t = Transaction::Begin(*c);
    ASSERT_OK(t);
    EXPECT_TRUE(c->InTransaction());
    ASSERT_OK(c->Exec("INSERT INTO t (id) VALUES (1)"));
    ASSERT_OK(t->Commit());
    EXPECT_THAT(t->Commit(), StatusIs(StatusCode::kFailedPrecondition));
  }
  EXPECT_FALSE(c->InTransaction());
  auto other = Connection::Open(dir_.File("db.sqlite"), {false, 0});
  ASSERT_OK(other);
  EXPECT_EQ(Count(**other), 1);
}

TEST_F(SqliteConnectionTest, ATransactionNotCommittedIsRolledBack) {
  auto c = OpenWithTable();
  {
    auto t = Transaction::Begin(*c);
    ASSERT_OK(t);
    ASSERT_OK(c->Exec("INSERT INTO t (id) VALUES (1)"));
  }
  EXPECT_FALSE(c->InTransaction());
  EXPECT_EQ(Count(*c), 0);
}

TEST_F(SqliteConnectionTest, AnInnerTransactionRollsBackAloneAsASavepoint) {
  auto c = OpenWithTable();
  Status outer = InTransaction(*c, [&]() -> Status {
    BC_RETURN_IF_ERROR(c->Exec("INSERT INTO t (id) VALUES (1)"));
    Status inner = InTransaction(*c, [&]() -> Status {
      BC_RETURN_IF_ERROR(c->Exec("INSERT INTO t (id) VALUES (2)"));
      return NotFound("inner gives up");
    });
    EXPECT_THAT(inner, StatusIs(StatusCode::kNotFound, "inner gives up"));
    EXPECT_TRUE(c->InTransaction()) << "the outer transaction is still open";
    return InTransaction(*c, [&] { return c->Exec("INSERT INTO t (id) VALUES (3)"); });
  });
  ASSERT_OK(outer);
  EXPECT_EQ(*c->QueryText("SELECT group_concat(id, ',') FROM (SELECT id FROM t ORDER BY id)"),
            "1,3");
}

TEST_F(SqliteConnectionTest, AFailedBodyRollsBackEverythingAndReturnsItsStatus) {
  auto c = OpenWithTable();
  Status s = InTransaction(*c, [&]() -> Status {
    BC_RETURN_IF_ERROR(c->Exec("INSERT INTO t (id) VALUES (1)"));
    BC_RETURN_IF_ERROR(InTransaction(*c, [&] { return c->Exec("INSERT INTO t (id) VALUES (2)"); }));
    return c->Exec("INSERT INTO t (id) VALUES (1)");  // a clash
  });
  EXPECT_THAT(s, StatusIs(StatusCode::kAlreadyExists));
  EXPECT_FALSE(c->InTransaction());
  EXPECT_EQ(Count(*c), 0);
  // The connection is usable afterwards, from depth 0 again.
  ASSERT_OK(InTransaction(*c, [&] { return c->Exec("INSERT INTO t (id) VALUES (4)"); }));
  EXPECT_EQ(Count(*c), 1);
}

TEST_F(SqliteConnectionTest, TheOutermostTransactionTakesTheWriteLockAtOnce) {
  auto c = OpenWithTable();
  auto other = Connection::Open(dir_.File("db.sqlite"), {false, 0});
  ASSERT_OK(other);
  auto held = Transaction::Begin(*c);
  ASSERT_OK(held);
  // BEGIN IMMEDIATE: the second writer is refused before it reads anything.
  EXPECT_THAT(Transaction::Begin(**other), StatusIs(StatusCode::kIoError, HasSubstr("locked")));
  EXPECT_FALSE((*other)->InTransaction());
  ASSERT_OK(held->Commit());
  auto now = Transaction::Begin(**other);
  EXPECT_OK(now);
}

}  // namespace
}  // namespace backchannel::sqlite
