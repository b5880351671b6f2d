#include "relay/store/pg_test_db.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <mutex>
#include <set>

#include "relay/store/pg_connection.h"

namespace backchannel::relay::testing {
namespace {

std::mutex mu;
std::set<std::string> made;  // guarded by mu

// Drops the databases this process made once its tests are over (a gtest
// environment: at exit, OpenSSL, which libpq uses, is already torn down).
class DropMadeDatabases : public ::testing::Environment {
 public:
  void TearDown() override {
    std::lock_guard lock(mu);
    // On the CTest fixture's cluster (tests/relay/pg_test_cluster.sh), which
    // is deleted as a whole afterwards, dropping is only slow: each DROP
    // DATABASE waits for a checkpoint (with fsync on, seconds on a busy disk).
    const char* host = std::getenv("PGHOST");
    if (host != nullptr && access((std::string(host) + "/throwaway-cluster").c_str(), F_OK) == 0) {
      made.clear();
      return;
    }
    for (const auto& name : made) {
      (void)AdminExec("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
    }
    made.clear();
  }
};

[[maybe_unused]] ::testing::Environment* const drop_made_databases =
    ::testing::AddGlobalTestEnvironment(new DropMadeDatabases);

std::string Quoted(const std::string& conninfo_value) {
  std::string out = "'";
  for (char ch : conninfo_value) {
    if (ch == '\'' || ch == '\\') out += '\\';
    out += ch;
  }
  return out + "'";
}

}  // namespace

Status AdminExec(const std::string& sql, const std::string& database) {
  if (std::getenv("PGHOST") == nullptr && std::getenv("PGPORT") == nullptr) {
    return FailedPrecondition(
        "no PostgreSQL server (PGHOST/PGPORT unset): run these tests (label postgres) through "
        "ctest (ctest -L postgres; its fixture relay_pg_cluster starts a throwaway cluster, "
        "tests/relay/CMakeLists.txt), scripts/test with STAGES=postgres, or pg_virtualenv");
  }
  BC_ASSIGN_OR_RETURN(auto c, pg::Connection::Open("dbname=" + Quoted(database)));
  return c->ExecScript(sql.c_str());
}

Result<std::string> TestDatabase(const std::string& tag) {
  std::string name = "bc_test_";
  for (char ch : tag) {
    if (std::isalnum(static_cast<unsigned char>(ch)) != 0) {
      name += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
  }
  name += "_" + std::to_string(getpid());
  {
    std::lock_guard lock(mu);
    if (made.count(name) != 0) return "dbname=" + Quoted(name);
  }
  BC_RETURN_IF_ERROR(AdminExec("CREATE DATABASE \"" + name + "\""));
  {
    std::lock_guard lock(mu);
    made.insert(name);
  }
  return "dbname=" + Quoted(name);
}

}  // namespace backchannel::relay::testing
