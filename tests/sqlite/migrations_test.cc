// The shared migration scheme (backchannel/sqlite/migrations.h) on real
// database files in a temporary directory.
#include "backchannel/sqlite/migrations.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "sqlite/scratch_dir.h"
#include "testing/status_matchers.h"

namespace backchannel::sqlite {
namespace {

using backchannel::testing::StatusIs;
using ::testing::HasSubstr;

// Each step appends its number to `log` (SQL) and, for code steps, to
// `ran` (C++), so the order of both is visible.
class SqliteMigrationsTest : public ::testing::Test {
 protected:
  std::unique_ptr<Connection> OpenDb() {
    auto c = Connection::Open(dir_.File("db.sqlite"), {true, 1000});
    EXPECT_OK(c);
    return c ? std::move(*c) : nullptr;
  }
  Schema ThreeSteps() {
    Schema schema;
    schema.name = "test store";
    schema.migrations = {
        {"CREATE TABLE log (step INTEGER); INSERT INTO log VALUES (1);", nullptr},
        {nullptr,
         [this](Connection& c) {
           ran_.push_back(2);
           return c.Exec("INSERT INTO log VALUES (2)");
         }},
        {"INSERT INTO log VALUES (3);",
         [this](Connection& c) -> Status {
           // The step's SQL has run when its code runs.
           BC_ASSIGN_OR_RETURN(std::int64_t last, c.QueryInt64("SELECT max(step) FROM log"));
           ran_.push_back(static_cast<int>(last) * 10);
           return Status::Ok();
         }},
    };
    return schema;
  }
  static std::string Log(Connection& c) {
    auto log =
        c.QueryText("SELECT group_concat(step, ',') FROM (SELECT step FROM log ORDER BY rowid)");
    return log ? *log : "(" + std::string(log.error().message()) + ")";
  }
  static std::int64_t UserVersion(Connection& c) { return *c.QueryInt64("PRAGMA user_version"); }

  ScratchDir dir_;
  std::vector<int> ran_;
};

TEST_F(SqliteMigrationsTest, ANewDatabaseGetsEveryStepInOrder) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  EXPECT_EQ(*ReadVersion(*c, schema), 0);
  ASSERT_OK(Migrate(*c, schema));
  EXPECT_EQ(Log(*c), "1,2,3");
  EXPECT_EQ(ran_, (std::vector<int>{2, 30}));
  EXPECT_EQ(UserVersion(*c), 3);
  EXPECT_EQ(*ReadVersion(*c, schema), 3);
  EXPECT_FALSE(c->InTransaction());

  ASSERT_OK(Migrate(*c, schema));  // up to date: nothing runs again
  EXPECT_EQ(Log(*c), "1,2,3");
  EXPECT_EQ(ran_.size(), 2U);
}

TEST_F(SqliteMigrationsTest, AnOlderDatabaseGetsOnlyTheMissingSteps) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  ASSERT_OK(Migrate(*c, schema, 1));
  EXPECT_EQ(Log(*c), "1");
  EXPECT_EQ(UserVersion(*c), 1);
  // A later build, reopening the file.
  c = OpenDb();
  ASSERT_OK(Migrate(*c, schema));
  EXPECT_EQ(Log(*c), "1,2,3");
  EXPECT_EQ(UserVersion(*c), 3);
}

TEST_F(SqliteMigrationsTest, AFailingStepChangesNothing) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  ASSERT_OK(Migrate(*c, schema, 1));
  schema.migrations.push_back(
      {"INSERT INTO log VALUES (4); INSERT INTO missing VALUES (1);", nullptr});
  EXPECT_THAT(
      Migrate(*c, schema),
      StatusIs(StatusCode::kIoError, HasSubstr("test store migration 4: exec: no such table")));
  EXPECT_EQ(Log(*c), "1") << "steps 2 and 3 rolled back with 4";
  EXPECT_EQ(UserVersion(*c), 1);
  EXPECT_FALSE(c->InTransaction());
}

TEST_F(SqliteMigrationsTest, AFailingCodeStepChangesNothing) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  schema.migrations[1].code = [](Connection& conn) -> Status {
    BC_RETURN_IF_ERROR(conn.Exec("INSERT INTO log VALUES (2)"));
    return Corrupt("a row fails authentication");
  };
  EXPECT_THAT(Migrate(*c, schema),
              StatusIs(StatusCode::kCorrupt, "test store migration 2: a row fails authentication"));
  EXPECT_THAT(c->QueryInt64("SELECT count(*) FROM log"), StatusIs(StatusCode::kIoError))
      << "step 1's table is gone too";
  EXPECT_EQ(UserVersion(*c), 0);
}

TEST_F(SqliteMigrationsTest, ADatabaseNewerThanTheCodeIsRefusedAndUntouched) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  ASSERT_OK(Migrate(*c, schema));
  ASSERT_OK(c->Exec("PRAGMA user_version = 4"));
  EXPECT_THAT(Migrate(*c, schema),
              StatusIs(StatusCode::kUnsupportedVersion,
                       "test store schema version 4 is newer than this build's 3"));
  EXPECT_EQ(UserVersion(*c), 4);
  EXPECT_EQ(Log(*c), "1,2,3");
  EXPECT_THAT(CheckVersion(schema, 4), StatusIs(StatusCode::kUnsupportedVersion));
  EXPECT_OK(CheckVersion(schema, 3));
  EXPECT_THAT(CheckVersion(schema, -1), StatusIs(StatusCode::kCorrupt));
}

TEST_F(SqliteMigrationsTest, InsideAnOpenTransactionTheStepsRollBackWithIt) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  Status s = InTransaction(*c, [&]() -> Status {
    BC_RETURN_IF_ERROR(Migrate(*c, schema));
    EXPECT_EQ(UserVersion(*c), 3);
    return FailedPrecondition("the caller's own work failed");
  });
  EXPECT_THAT(s, StatusIs(StatusCode::kFailedPrecondition));
  EXPECT_EQ(UserVersion(*c), 0);
}

// A schema from before the scheme, whose version lives in a table of its own.
TEST_F(SqliteMigrationsTest, ALegacyVersionRecordIsReadFirstAndKeptEqual) {
  auto c = OpenDb();
  Schema schema = ThreeSteps();
  schema.legacy = LegacyVersionRecord{
      [](Connection& conn) -> Result<std::optional<std::int64_t>> {
        BC_ASSIGN_OR_RETURN(std::int64_t n,
                            conn.QueryInt64("SELECT count(*) FROM sqlite_schema WHERE name = 'v'"));
        if (n == 0) return std::optional<std::int64_t>();
        BC_ASSIGN_OR_RETURN(std::int64_t v, conn.QueryInt64("SELECT version FROM v"));
        return std::optional<std::int64_t>(v);
      },
      [](Connection& conn, std::int64_t version) {
        return conn.Prepare("UPDATE v SET version = ?1").Bind(1, version).Run();
      }};
  // Made by an older build: step 1 applied, recorded only in the table.
  ASSERT_OK(
      c->Exec("CREATE TABLE log (step INTEGER); INSERT INTO log VALUES (1);"
              "CREATE TABLE v (version INTEGER); INSERT INTO v VALUES (1);"));
  EXPECT_EQ(*ReadVersion(*c, schema), 1);
  ASSERT_OK(Migrate(*c, schema));
  EXPECT_EQ(Log(*c), "1,2,3");
  EXPECT_EQ(*c->QueryInt64("SELECT version FROM v"), 3);
  EXPECT_EQ(UserVersion(*c), 3);
  // The legacy record wins: it is what an older build reads and writes.
  ASSERT_OK(c->Exec("UPDATE v SET version = 9"));
  EXPECT_THAT(Migrate(*c, schema), StatusIs(StatusCode::kUnsupportedVersion));
}

TEST_F(SqliteMigrationsTest, NoStepToAVersionTheCodeDoesNotHave) {
  auto c = OpenDb();
  EXPECT_THAT(Migrate(*c, ThreeSteps(), 4), StatusIs(StatusCode::kInternal));
  EXPECT_EQ(UserVersion(*c), 0);
}

}  // namespace
}  // namespace backchannel::sqlite
