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

namespace {

// The names of the SQLSTATEs setiad meets (PostgreSQL's appendix A); the
// others are named by their class.
std::string condition_name(const std::string& state) {
  static const std::pair<const char*, const char*> kNames[] = {
      {"23505", "unique_violation"},
      {"23503", "foreign_key_violation"},
      {"23514", "check_violation"},
      {"23502", "not_null_violation"},
      {"22P02", "invalid_text_representation"},
      {"22003", "numeric_value_out_of_range"},
      {"22001", "string_data_right_truncation"},
      {"40001", "serialization_failure"},
      {"40P01", "deadlock_detected"},
      {"57P01", "admin_shutdown"},
      {"57014", "query_canceled"},
      {"53300", "too_many_connections"},
      {"42P01", "undefined_table"},
      {"42883", "undefined_function"},
      {"42703", "undefined_column"},
      {"25P02", "in_failed_sql_transaction"},
      {"22023", "invalid_parameter_value"},
  };
  for (const auto& [code, name] : kNames) {
    if (state == code) return name;
  }
  return "class " + state.substr(0, 2);
}

// The statement as written in our code, from SOCI's context ("while
// executing \"...\" with :p=..."): its placeholders, never the values bound
// to them; its first words only, enough to find it.
std::string statement_of(const std::string& what) {
  static constexpr std::string_view kMark = "while executing \"";
  auto at = what.find(kMark);
  if (at == std::string::npos) return "";
  at += kMark.size();
  auto end = what.find('"', at);
  std::string text;
  for (auto i = at; i < std::min(end, what.size()) && text.size() < 60; ++i) {
    const char c = what[i];
    if (c == '\n' || c == ' ' || c == '\t') {
      if (!text.empty() && text.back() != ' ') text.push_back(' ');
    } else {
      text.push_back(c);
    }
  }
  return text.size() >= 60 ? text + "..." : text;
}

// What an error may say, in the log and beyond: the SQLSTATE and its
// name, and the statement; the server's own text only when it is ours
// (a RAISE in our functions: SQLSTATE P0001, or a text that starts with
// the function's name, setia_...), because PostgreSQL's messages
// and their DETAIL quote the values (a phone, a payload: "invalid input
// syntax for type bigint: \"...\"", "Key (phone)=(...)").
std::string safe_message(const soci::postgresql_soci_error& e, const std::string& state) {
  std::string out = "database error " + state + " (" + (state == "P0001" ? "raised" : condition_name(state)) + ")";
  std::string msg = e.get_error_message();
  if (auto nl = msg.find('\n'); nl != std::string::npos) msg.resize(nl);
  // SOCI's text is "Cannot execute query. Fatal error. ERROR:  <the server's message>".
  if (auto at = msg.find("ERROR:"); at != std::string::npos) {
    msg = msg.substr(std::min(msg.size(), msg.find_first_not_of(' ', at + 6)));
  }
  if (state == "P0001" || msg.starts_with("setia_")) out += ": " + msg;
  if (auto statement = statement_of(e.what()); !statement.empty()) out += " in \"" + statement + "\"";
  return out;
}

}  // namespace

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
    return std::unexpected(core::StoreError{transient ? Kind::transient : Kind::permanent, safe_message(e, state)});
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
