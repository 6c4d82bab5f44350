#include "adapters/postgres/pg_session.h"

#include <cxxabi.h>

#include <cstdlib>
#include <fstream>
#include <memory>
#include <typeinfo>

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
  // Sized once and written by index: every sale's payload passes here
  // (about 3% of the sale thread's samples with push_back).
  std::string out(bytes.size() * 2, '\0');
  char* o = out.data();
  for (unsigned char c : bytes) {
    *o++ = kDigits[c >> 4];
    *o++ = kDigits[c & 15];
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

// What SOCI's own errors (no SQLSTATE: a connection that failed or broke,
// a NULL fetched without an indicator, a conversion) may say: a generic
// class and the statement, never what() or the message, whose context
// quotes every bound value ('with :phone="..."'). The connection's own
// failure, before any statement (libpq's "connection to server at ...
// failed"), names no value and stays, for the operator.
std::string safe_message(const soci::soci_error& e, bool connected, bool broken) {
  const std::string statement = statement_of(e.what());
  if (statement.empty() && !connected) {
    // SOCI's "Cannot establish connection to the database." and libpq's
    // reason on the lines after it.
    std::string msg;
    for (char c : e.get_error_message()) {
      if (c == '\n' || c == '\t') c = ' ';
      if (c != ' ' || (!msg.empty() && msg.back() != ' ')) msg.push_back(c);
    }
    if (msg.size() > 300) msg = msg.substr(0, 300) + "...";
    return "cannot connect: " + msg;
  }
  std::string out = broken ? "database connection lost" : "database client error (";
  if (!broken) {
    switch (e.get_error_category()) {
      case soci::soci_error::connection_error: out += "connection"; break;
      case soci::soci_error::invalid_statement: out += "invalid statement"; break;
      case soci::soci_error::no_privilege: out += "no privilege"; break;
      case soci::soci_error::no_data: out += "no data"; break;
      case soci::soci_error::constraint_violation: out += "constraint violation"; break;
      case soci::soci_error::unknown_transaction_state: out += "unknown transaction state"; break;
      case soci::soci_error::system_error: out += "system error"; break;
      case soci::soci_error::unknown: out += "a NULL, a conversion or a binding"; break;
    }
    out += ")";
  }
  if (!statement.empty()) out += " in \"" + statement + "\"";
  return out;
}

// Anything else thrown while talking to the database (a JSON column that
// does not parse, out of memory): its type, never its text, which may
// quote what it read.
std::string safe_message(const std::exception& e) {
  const char* mangled = typeid(e).name();
  int status = 0;
  std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(mangled, nullptr, nullptr, &status), std::free);
  return std::string("unexpected error in the database adapter (") + (status == 0 && name ? name.get() : mangled) + ")";
}

}  // namespace

// SOCI 4.0.3's PostgreSQL backend frees a bound value's text buffer after
// an execution that succeeded (post_use), and only when the statement is
// destroyed otherwise: a failed execution of a statement kept for the
// next one would leak its buffers (LeakSanitizer showed ~1 kB per failed
// sale). A statement whose execution failed is dropped, and prepared again
// on the next call; failures are rare.
void PgSession::drop_prepared() { prepared_.clear(); }

void PgSession::disconnect() {
  drop_prepared();
  sql_.reset();
}

soci::statement& PgSession::prepared(std::size_t slot, const std::function<soci::statement(soci::session&)>& make) {
  if (slot >= prepared_.size()) prepared_.resize(slot + 1);
  if (!prepared_[slot]) prepared_[slot] = std::make_unique<soci::statement>(make(*sql_));
  return *prepared_[slot];
}

std::expected<void, core::StoreError> PgSession::run(const std::function<void(soci::session&)>& work) {
  using Kind = core::StoreError::Kind;
  try {
    if (!sql_) sql_ = std::make_unique<soci::session>(soci::postgresql, conninfo_);
    work(*sql_);
    return {};
  } catch (const soci::postgresql_soci_error& e) {
    drop_prepared();
    std::string state = e.sqlstate();
    bool broken = !sql_;
    if (sql_) {
      auto* backend = static_cast<soci::postgresql_session_backend*>(sql_->get_backend());
      broken = backend == nullptr || backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK;
    }
    if (broken) disconnect();
    bool transient = broken || is_transient_sqlstate(state);
    return std::unexpected(core::StoreError{transient ? Kind::transient : Kind::permanent, safe_message(e, state)});
  } catch (const soci::soci_error& e) {
    drop_prepared();
    // Without a SQLSTATE SOCI is telling us about the connection (cannot
    // connect, connection lost): drop it and try again later.
    const bool connected = sql_ != nullptr;
    bool broken = !connected;
    if (sql_) {
      auto* backend = static_cast<soci::postgresql_session_backend*>(sql_->get_backend());
      broken = backend == nullptr || backend->conn_ == nullptr || PQstatus(backend->conn_) != CONNECTION_OK;
    }
    disconnect();
    return std::unexpected(core::StoreError{Kind::transient, safe_message(e, connected, broken)});
  } catch (const std::exception& e) {
    drop_prepared();
    return std::unexpected(core::StoreError{Kind::permanent, safe_message(e)});
  }
}

}  // namespace setia::adapters::postgres
