#include "adapters/daemon/rest_wiring.h"

#include <sys/resource.h>

#include <random>

#include "adapters/postgres/pg_admin_store.h"
#include "adapters/postgres/pg_consent_store.h"
#include "adapters/postgres/pg_credential_store.h"
#include "adapters/postgres/pg_dead_letter_store.h"
#include "adapters/postgres/pg_device_store.h"
#include "adapters/postgres/pg_login_failure_store.h"
#include "adapters/postgres/pg_member_data_store.h"
#include "adapters/postgres/pg_member_directory.h"
#include "adapters/postgres/pg_member_history.h"
#include "adapters/postgres/pg_member_store.h"
#include "adapters/postgres/pg_offer_store.h"
#include "adapters/postgres/pg_ops_status.h"
#include "adapters/postgres/pg_points_store.h"
#include "adapters/postgres/pg_pos_ledger.h"
#include "adapters/postgres/pg_profile_store.h"
#include "adapters/postgres/pg_recovery_store.h"
#include "adapters/postgres/pg_report_queries.h"
#include "adapters/postgres/pg_reservation_store.h"
#include "adapters/postgres/pg_rule_version_store.h"
#include "adapters/postgres/pg_sale_records.h"
#include "adapters/postgres/pg_session.h"
#include "adapters/rest/rest_api.h"
#include "adapters/rest/server.h"
#include "adapters/sodium/sodium_password_hasher.h"
#include "adapters/sodium/sodium_token_minter.h"
#include "core/pipeline/pipeline.h"
#include "core/support/log.h"

namespace setia::setiad {
namespace {

namespace pg = adapters::postgres;

// A health check or a request must not hang on an unreachable database
// host: bound the connect of the REST sessions unless the operator did.
std::string with_connect_timeout(const std::string& conninfo) {
  if (conninfo.find("connect_timeout") != std::string::npos) return conninfo;
  return conninfo + " connect_timeout=5";
}

// rest.max_connections, lowered to what the process's file limit leaves
// after the descriptors setiad needs besides (database sessions, the
// broker, logs, the rule dir's watch): past it, accept would fail with
// EMFILE instead of the clear 503. The shipped unit raises the limit
// (LimitNOFILE=65536).
std::size_t connection_cap(int configured) {
  constexpr rlim_t kReserved = 256;
  auto cap = static_cast<std::size_t>(configured);
  rlimit nofile{};
  if (::getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur != RLIM_INFINITY &&
      nofile.rlim_cur < cap + kReserved) {
    const auto lowered =
        static_cast<std::size_t>(nofile.rlim_cur > 2 * kReserved ? nofile.rlim_cur - kReserved : nofile.rlim_cur / 2);
    log::get("rest")->warn(
        "rest.max_connections {} lowered to {}: the file limit is {} (LimitNOFILE in the unit, ulimit -n)", cap,
        lowered, static_cast<unsigned long long>(nofile.rlim_cur));
    cap = lowered;
  }
  return cap;
}

std::uint64_t random64() {
  thread_local std::random_device rd;
  return (std::uint64_t{rd()} << 32) ^ rd();
}

// One worker thread's services. The stores written for the REST API share
// one connection; those of the other services open their own (lazily).
struct Worker {
  Worker(const std::string& conninfo, const RestService::Wiring& w, core::PasswordHasher& hasher,
         core::TokenMinter& tokens, core::LoginThrottle& throttle, const core::AuthOptions& auth_options,
         const std::string& dummy_hash, core::Replayer* replayer)
      : session(conninfo),
        credential_store(session),
        admin_store(session),
        recovery_store(session),
        login_failure_store(session),
        profile_store(session),
        device_store(session),
        member_history(session),
        member_directory(session),
        dead_letter_store(session),
        report_queries(session),
        ops_status(session),
        reservation_store(session),
        consent_store(session),
        member_data_store(session),
        rule_version_store(session),
        sale_records(session),
        member_store(conninfo),
        points_store(conninfo),
        offer_store(conninfo),
        members(member_store, random64),
        auth(credential_store, login_failure_store, profile_store, members, hasher, tokens, throttle,
             core::rules_from(w.rules), w.clock, auth_options, dummy_hash),
        admins(admin_store, credential_store, auth, hasher, tokens, w.clock),
        recovery(recovery_store, credential_store, profile_store, auth, tokens, w.clock),
        profiles(profile_store, device_store, w.config.max_devices_per_member),
        reads(member_history, member_directory, dead_letter_store),
        reports(report_queries, core::rules_from(w.rules), w.clock),
        dead_letters(dead_letter_store, replayer),
        points(points_store, core::rules_from(w.rules), w.clock),
        rewards(offer_store, member_store, core::rules_from(w.rules), w.clock, random64),
        promos(offer_store, member_store, core::rules_from(w.rules), w.clock, random64),
        reservations(reservation_store, core::rules_from(w.rules), w.clock),
        consents(consent_store),
        data_rights(member_data_store, profile_store, core::rules_from(w.rules), w.clock, auth, credential_store,
                    hasher),
        rule_versions(rule_version_store, sale_records, core::rules_from(w.rules), w.clock) {}

  pg::PgSession session;
  pg::PgCredentialStore credential_store;
  pg::PgAdminStore admin_store;
  pg::PgRecoveryStore recovery_store;
  pg::PgLoginFailureStore login_failure_store;
  pg::PgProfileStore profile_store;
  pg::PgDeviceStore device_store;
  pg::PgMemberHistory member_history;
  pg::PgMemberDirectory member_directory;
  pg::PgDeadLetterStore dead_letter_store;
  pg::PgReportQueries report_queries;
  pg::PgOpsStatus ops_status;
  pg::PgReservationStore reservation_store;
  pg::PgConsentStore consent_store;
  pg::PgMemberDataStore member_data_store;
  pg::PgRuleVersionStore rule_version_store;
  pg::PgSaleRecords sale_records;
  pg::PgMemberStore member_store;
  pg::PgPointsStore points_store;
  pg::PgOfferStore offer_store;
  core::Members members;
  core::Auth auth;
  core::Admins admins;
  core::Recovery recovery;
  core::Profiles profiles;
  core::CrmReads reads;
  core::Reports reports;
  core::DeadLetters dead_letters;
  core::PointsLedger points;
  core::Rewards rewards;
  core::Promos promos;
  core::Reservations reservations;
  core::Consents consents;
  core::DataRights data_rights;
  core::RuleVersions rule_versions;
};

}  // namespace

struct RestService::Parts {
  std::unique_ptr<adapters::sodium::SodiumPasswordHasher> hasher;
  adapters::sodium::SodiumTokenMinter tokens;
  std::string dummy_hash;
  std::unique_ptr<core::LoginThrottle> throttle;
  core::AuthOptions auth_options;
  // Replays: a pipeline of their own on a store session of their own.
  std::unique_ptr<pg::PgPosLedger> replay_store;
  std::unique_ptr<core::ReplaySink> replay_sink;
  std::unique_ptr<core::Pipeline> replay_pipeline;
  std::unique_ptr<core::Replayer> replayer;
  std::unique_ptr<adapters::rest::RestApi> api;
  std::unique_ptr<adapters::rest::Server> server;
};

std::expected<std::unique_ptr<RestService>, std::string> RestService::start(const Wiring& w) {
  auto log = log::get("rest");
  const auto& c = w.config;
  std::unique_ptr<RestService> svc(new RestService());
  svc->parts_ = std::make_unique<Parts>();
  auto& p = *svc->parts_;
  p.hasher = std::make_unique<adapters::sodium::SodiumPasswordHasher>(adapters::sodium::Argon2Cost{
      static_cast<unsigned long long>(c.argon2_opslimit), static_cast<std::size_t>(c.argon2_memlimit_kib) * 1024});
  p.dummy_hash = core::make_dummy_hash(*p.hasher, p.tokens);
  if (p.dummy_hash.empty()) return std::unexpected("rest: cannot hash a password with the argon2 settings (memory)");
  p.throttle = std::make_unique<core::LoginThrottle>(
      core::ThrottleOptions{.max_attempts_per_address = c.login_max_attempts_per_address,
                            .address_window = std::chrono::seconds(c.login_address_window_s)},
      w.clock);
  p.auth_options.member_token_ttl = std::chrono::hours(24) * c.token_ttl_days;
  p.auth_options.access_token_ttl = std::chrono::seconds(c.access_token_ttl_s);
  p.auth_options.max_login_failures = c.login_max_failures;
  p.auth_options.login_failure_window = std::chrono::seconds(c.login_failure_window_s);

  const std::string conninfo = with_connect_timeout(w.conninfo);
  p.replay_store = std::make_unique<pg::PgPosLedger>(conninfo);
  p.replay_sink = std::make_unique<core::ReplaySink>(w.sink);
  p.replay_pipeline = std::make_unique<core::Pipeline>(
      core::PipelineOptions{
          .topic_prefix = w.topic_prefix, .metrics = &w.metrics, .disabled_stores = w.disabled_stores},
      *p.replay_store, *p.replay_sink, w.rules, w.clock, w.stopping);
  p.replayer = std::make_unique<core::Replayer>(*p.replay_pipeline, *p.replay_sink);

  adapters::rest::RestDeps deps;
  deps.rules = &w.rules;
  deps.metrics = &w.metrics;
  deps.broker_connected = w.broker_connected;
  deps.backends = [conninfo, w, &p]() {
    auto worker = std::make_shared<Worker>(conninfo, w, *p.hasher, p.tokens, *p.throttle, p.auth_options, p.dummy_hash,
                                           p.replayer.get());
    auto b = std::make_unique<adapters::rest::Backend>();
    b->auth = &worker->auth;
    b->admins = &worker->admins;
    b->recovery = &worker->recovery;
    b->profiles = &worker->profiles;
    b->reads = &worker->reads;
    b->reports = &worker->reports;
    b->dead_letters = &worker->dead_letters;
    b->points = &worker->points;
    b->rewards = &worker->rewards;
    b->promos = &worker->promos;
    b->reservations = &worker->reservations;
    b->ops = &worker->ops_status;
    b->consents = &worker->consents;
    b->data_rights = &worker->data_rights;
    b->rule_versions = &worker->rule_versions;
    b->owner = worker;
    return b;
  };
  auto proxies = adapters::rest::parse_address_list(c.trusted_proxies);
  if (!proxies) return std::unexpected("rest.trusted_proxies: " + proxies.error());
  adapters::rest::RestOptions options{.public_url = c.public_url,
                                      .trust_forwarded_for = c.trust_forwarded_for,
                                      .trusted_proxies = *proxies,
                                      .separate_ops = !c.ops_listen.empty(),
                                      .workers = static_cast<std::size_t>(c.threads),
                                      .static_mounts = {}};
  if (!c.console_dir.empty()) options.static_mounts.push_back({.prefix = "/console/", .dir = c.console_dir});
  if (!c.console_dir.empty() && !c.chart_js_dir.empty()) {
    options.static_mounts.push_back({.prefix = "/console/lib/chart.js/", .dir = c.chart_js_dir});
  }
  if (!c.app_dir.empty()) options.static_mounts.push_back(adapters::rest::member_app_mount(c.app_dir));
  p.api = std::make_unique<adapters::rest::RestApi>(options, std::move(deps));

  adapters::rest::ServerLimits limits{.body_limit = static_cast<std::size_t>(c.max_body_bytes),
                                      .header_limit = static_cast<std::uint32_t>(c.max_header_bytes),
                                      .read_timeout = std::chrono::seconds(c.read_timeout_s),
                                      .write_timeout = std::chrono::seconds(c.write_timeout_s),
                                      .max_connections = connection_cap(c.max_connections),
                                      .max_queued = static_cast<std::size_t>(c.max_queued_requests)};
  p.server = std::make_unique<adapters::rest::Server>(c.threads, limits);
  auto* metrics = &w.metrics;
  p.server->on_refused = [metrics](unsigned status) {
    metrics
        ->counter("setia_http_requests_total", "REST requests by route template, method and status",
                  {{"route", "unparsed"}, {"method", "other"}, {"status", std::to_string(status)}})
        .inc();
  };
  auto* server = p.server.get();
  metrics->gauge("setia_rest_requests_queued", "REST requests waiting for a handler thread or in one", [server] {
    return std::vector<std::pair<metrics::Labels, double>>{{{}, static_cast<double>(server->queued())}};
  });
  auto* api = p.api.get();
  auto bound = p.server->listen(c.listen, [api](const adapters::rest::Request& r) { return api->handle(r); });
  if (!bound) return std::unexpected("rest: " + bound.error());
  log->info("rest: listening on {}", *bound);
  if (!c.ops_listen.empty()) {
    auto ops = p.server->listen(c.ops_listen, [api](const adapters::rest::Request& r) { return api->handle_ops(r); });
    if (!ops) return std::unexpected("rest: ops: " + ops.error());
    log->info("rest: ops listening on {}", *ops);
  }
  p.server->start();
  return svc;
}

void RestService::stop() {
  if (parts_ && parts_->server) parts_->server->stop();
}

RestService::~RestService() { stop(); }

}  // namespace setia::setiad
