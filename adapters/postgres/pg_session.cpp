#include "adapters/postgres/pg_session.h"

#include <fstream>

#include <soci/postgresql/soci-postgresql.h>

namespace setia::adapters::postgres {

bool is_transient_sqlstate(const std::string& s) {
  if (s.size() != 5) return true;  // no SQLSTATE: the connection itself failed
  return s.starts_with("08") ||    // connection exception
         s == "40001" ||           // serialization_failure
         s == "40P01" ||           // deadlock_detected
         s.starts_with("53") ||    // insufficient resources
         s.starts_with("57P") ||   // admin/crash shutdown, cannot connect now
         s == "55P03" ||           // lock_not_available
         s == "25P03";             // idle_in_transaction_session_timeout
}

std::string to_hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (unsigned char c : bytes) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

std::string conninfo_with_password(const std::string& conninfo, const std::string& password_file) {
  if (password_file.empty()) return conninfo;
  std::ifstream in(password_file);
  std::string pw;
  std::getline(in, pw);
  std::string escaped;
  for (char c : pw) {
    if (c == '\\' || c == '\'') escaped.push_back('\\');
    escaped.push_back(c);
  }
  return conninfo + " password='" + escaped + "'";
}

std::expected<void, core::StoreError> PgSession::run(const std::function<void(soci::session&)>& work) {
  using Kind = core::StoreError::Kind;
  try {
    if (!sql_) {
      auto s = std::make_unique<soci::session>(soci::postgresql, conninfo_);
      if (prepare_) prepare_(*s);
      sql_ = std::move(s);
    }
    work(*sql_);
    return {};
  } catch (const soci::postgresql_soci_error& e) {
    std::string state = e.sqlstate();
    bool broken = !sql_;
    if (sql_) {
      auto* backend = static_cast<soci::postgresql_session_backend*>(sql_->get_backend());
      broken = backend == nullptr || backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK;
    }
    if (broken) sql_.reset();
    bool transient = broken || is_transient_sqlstate(state);
    return std::unexpected(
        core::StoreError{transient ? Kind::transient : Kind::permanent, "[" + state + "] " + e.what()});
  } catch (const soci::soci_error& e) {
    // Without a SQLSTATE SOCI is telling us about the connection (cannot
    // connect, connection lost): drop it and try again later.
    sql_.reset();
    return std::unexpected(core::StoreError{Kind::transient, e.what()});
  } catch (const std::exception& e) {
    return std::unexpected(core::StoreError{Kind::permanent, e.what()});
  }
}

}  // namespace setia::adapters::postgres
