#pragma once

// The REST API over an in-memory world, for the REST fuzz target
// (tests/fuzz/rest_request_fuzz.cpp) and its replay test
// (tests/unit/rest_fuzz_replay_test.cpp): every core service of a Backend
// (adapters/rest/backend.h) built over the fakes of tests/fakes/, the rule
// files of config/rules/ (Marikh Salatiga and the default), and a clock
// stopped on Monday 2027-05-10 10:00 WIB, when Marikh's promo runs, its
// reward is available and its tables can be booked. Fixed bearer tokens
// (tests/fuzz/http.dict names them) speak for two members, a store admin
// and an admin of every store (and one has expired), so that requests get
// past the 401 into the handlers. One rig per input: what a request changes (a profile, a
// booking, a revoked token) is seen by the later requests of that input
// only, so every input replays alike.

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "adapters/rest/rest_api.h"
#include "core/pipeline/pipeline.h"
#include "core/services/auth.h"
#include "core/services/consents.h"
#include "core/services/crm_reads.h"
#include "core/services/data_rights.h"
#include "core/services/dead_letters.h"
#include "core/services/login_throttle.h"
#include "core/services/members.h"
#include "core/services/points.h"
#include "core/services/profiles.h"
#include "core/services/promos.h"
#include "core/services/reports.h"
#include "core/services/reservations.h"
#include "core/services/rewards.h"
#include "core/support/log.h"
#include "core/support/metrics.h"
#include "rules/registry.h"
#include "tests/fakes/fake_account_stores.h"
#include "tests/fakes/fake_dead_letter_store.h"
#include "tests/fakes/fake_device_store.h"
#include "tests/fakes/fake_member_history.h"
#include "tests/fakes/fake_member_table.h"
#include "tests/fakes/fake_offer_store.h"
#include "tests/fakes/fake_ops_status.h"
#include "tests/fakes/fake_points_store.h"
#include "tests/fakes/fake_pos_ledger.h"
#include "tests/fakes/fake_privacy_stores.h"
#include "tests/fakes/fake_report_queries.h"
#include "tests/fakes/fake_reservation_store.h"
#include "tests/fakes/fake_result_sink.h"
#include "tests/fakes/manual_clock.h"

namespace setia::adapters::rest::fuzz {

// Monday 2027-05-10 03:00 UTC, 10:00 in Salatiga (Asia/Jakarta).
inline constexpr std::int64_t kNow = 1'809'918'000;
inline constexpr std::int64_t kDay = 24 * 60 * 60;

inline const std::string kStore = "marikh-salatiga";  // config/rules/marikh-salatiga.yaml
inline const std::string kOtherStore = "toko-lain";   // config/rules/default.yaml
inline const std::string kPassword = "rahasia123";    // Ocha's

// 43 base64url characters each, the shape core::looks_like_token wants.
inline const std::string kMemberToken = "fuzz-member-ocha-of-marikh-salatiga-0000001";
inline const std::string kOtherMemberToken = "fuzz-member-budi-of-toko-lain-0000000000002";
inline const std::string kStoreAdminToken = "fuzz-admin-of-marikh-salatiga-0000000000003";
inline const std::string kAllStoresAdminToken = "fuzz-admin-of-every-store-00000000000000004";
inline const std::string kExpiredToken = "fuzz-expired-member-ocha-000000000000000005";

// The peer every request comes from (the session's remote endpoint).
inline const std::string kClientAddress = "203.0.113.7";

// A bearer credential renamed: each letter and digit replaced by another
// of its kind, position by position as `key` says; its length and every
// other character stay, and with them all the API looks at before the
// token store (core::looks_like_token, the trimming). The same key renames
// a request's credential and the rig's tokens alike, so that a renamed
// rig answers a renamed request as the plain rig the plain one. Key 0:
// unchanged. (rest_invariants.h tells an echo of the credential from a
// coincidence this way.)
inline std::string rename_credential(std::string_view s, std::uint64_t key) {
  std::string out(s);
  if (key == 0) return out;
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::uint64_t r = (key + i) * 0x9E3779B97F4A7C15ull;
    r ^= r >> 31;
    // One of the n - 1 other characters of the kind, never the same.
    auto turn = [&](char first, int n) {
      int step = 1 + static_cast<int>(r % static_cast<std::uint64_t>(n - 1));
      out[i] = static_cast<char>(first + (out[i] - first + step) % n);
    };
    if (out[i] >= 'a' && out[i] <= 'z')
      turn('a', 26);
    else if (out[i] >= 'A' && out[i] <= 'Z')
      turn('A', 26);
    else if (out[i] >= '0' && out[i] <= '9')
      turn('0', 10);
  }
  return out;
}

// The rig's token minter: SeqTokens' predictable tokens, renamed with the
// rig's key.
class RenamedTokens final : public core::TokenMinter {
 public:
  explicit RenamedTokens(std::uint64_t key) : key_(key) {}
  std::string mint() override { return rename_credential(seq_.mint(), key_); }
  std::string digest(std::string_view t) override { return seq_.digest(t); }

 private:
  core::fakes::SeqTokens seq_;
  std::uint64_t key_;
};

// The rule files of config/rules, loaded once for every rig; quiet logs
// (errors only: an unexpected exception's 500 is logged with what() there).
inline const rules::Registry& fuzz_rules() {
  static const rules::Registry* registry = [] {
    log::set_level("error");
    auto* r = new rules::Registry(std::string(SETIA_SOURCE_DIR) + "/config/rules");
    if (auto loaded = r->reload(); !loaded) {
      std::fprintf(stderr, "rest fuzz rig: cannot load %s\n", r->dir().c_str());
      std::abort();
    }
    return r;
  }();
  return *registry;
}

class RestRig {
  // First: the members below are built with them.
  const rules::Registry& rules_;
  const std::uint64_t rename_key_;

 public:
  // `rename_key`: every bearer token of the rig renamed (rename_credential).
  explicit RestRig(std::uint64_t rename_key = 0) : RestRig(fuzz_rules(), rename_key) {}
  RestRig(const rules::Registry& rules, std::uint64_t rename_key)
      : rules_(rules), rename_key_(rename_key), tokens(rename_key) {
    seed();
    RestDeps deps;
    deps.backends = [this] {
      auto b = std::make_unique<Backend>();
      b->auth = &auth;
      b->admins = &admins;
      b->recovery = &recovery;
      b->profiles = &profiles;
      b->reads = &reads;
      b->reports = &reports;
      b->dead_letters = &dead_letters;
      b->points = &points;
      b->rewards = &rewards;
      b->promos = &promos;
      b->reservations = &reservations;
      b->ops = &ops_status;
      b->consents = &consents;
      b->data_rights = &data_rights;
      return b;
    };
    deps.rules = &rules_;
    deps.metrics = &metrics;
    deps.broker_connected = [] { return true; };
    // Behind a proxy, so that X-Forwarded-For is read too; links from the
    // Host header (no public_url).
    api = std::make_unique<RestApi>(
        RestOptions{.public_url = {}, .trust_forwarded_for = true, .separate_ops = false, .workers = 1},
        std::move(deps));
  }
  RestRig(const RestRig&) = delete;
  RestRig& operator=(const RestRig&) = delete;

  test::ManualClock clock{kNow};
  std::uint64_t draws = 0;
  std::function<std::uint64_t()> random = [this] { return ++draws * 0x9E3779B97F4A7C15ull; };

  // The ports.
  core::fakes::FakeCredentials credentials;
  core::fakes::FakeLoginFailures login_failures;
  core::fakes::FakeAdmins admin_store;
  core::fakes::FakeRecoveryCodes recovery_codes;
  core::fakes::FakeMemberTable member_table;
  core::fakes::FakeDevices devices;
  core::fakes::FakeMemberHistory history;
  core::fakes::FakeDeadLetters letters;
  core::fakes::FakeReportQueries report_queries;
  core::fakes::FakeOpsStatus ops_status;
  core::fakes::FakeReservations reservation_store;
  core::fakes::FakeConsents consent_store{member_table};
  core::fakes::FakeMemberData member_data{member_table, consent_store};
  core::fakes::FakePoints points_store;
  core::fakes::FakeOffers offers;
  core::fakes::FakeLedger ledger;
  core::fakes::FakeSink sink;
  core::fakes::CountingHasher hasher;
  RenamedTokens tokens;

  // The services, as adapters/daemon/rest_wiring.cpp wires them.
  core::LoginThrottle throttle{{}, clock};
  core::Members members{member_table, random};
  core::Auth auth{credentials, login_failures,           member_table, members, hasher,     tokens,
                  throttle,    core::rules_from(rules_), clock,        {},      "$v1$dummy"};
  core::Admins admins{admin_store, credentials, auth, hasher, tokens, clock};
  core::Recovery recovery{recovery_codes, credentials, member_table, auth, tokens, clock};
  core::Profiles profiles{member_table, devices};
  core::CrmReads reads{history, member_table, letters};
  core::Reports reports{report_queries, core::rules_from(rules_), clock};
  core::ReplaySink replay_sink{sink};
  std::atomic<bool> stopping{true};  // a store that fails is not retried
  core::Pipeline pipeline{{}, ledger, replay_sink, rules_, clock, stopping};
  core::Replayer replayer{pipeline, replay_sink};
  core::DeadLetters dead_letters{letters, &replayer};
  core::PointsLedger points{points_store, core::rules_from(rules_), clock};
  core::Rewards rewards{offers, member_table, core::rules_from(rules_), clock, random};
  core::Promos promos{offers, member_table, core::rules_from(rules_), clock, random};
  core::Reservations reservations{reservation_store, core::rules_from(rules_), clock};
  core::Consents consents{consent_store};
  core::DataRights data_rights{member_data, member_table, core::rules_from(rules_), clock, auth, credentials, hasher};
  metrics::Registry metrics;

  std::unique_ptr<RestApi> api;

 private:
  void token(const std::string& t, core::Role role, std::optional<long long> member, std::optional<std::string> store,
             std::int64_t expires_at) {
    credentials.tokens.push_back({.digest = tokens.digest(rename_credential(t, rename_key_)),
                                  .role = role,
                                  .member_id = member,
                                  .store_id = std::move(store),
                                  .expires_at = expires_at,
                                  .label = "fuzz"});
  }

  // Three members (two of Marikh, one of another store), their points,
  // sales, notifications, a voucher, reservations; dead letters; reports.
  void seed() {
    credentials.admins = &admin_store;
    admin_store.tokens = &credentials.tokens;
    auto& ocha = member_table.add(kStore, "MAR-7Q2M9XW4", "Ocha", "081211110001", "ocha@example.com");
    ocha.member.birth_date = "1999-05-27";
    member_table.add(kOtherStore, "TOK-K3H8P2RN", "Budi", "081211110002");
    member_table.add(kStore, "MAR-H4T6N8QZ", "Sari", "081211110003", "sari@example.com");
    for (const auto& [id, p] : member_table.rows) {
      const auto& m = p.member;
      credentials.member_codes[id] = m.code;
      reservation_store.members[id] = {m.code, m.name};
      points_store.accounts[m.code] =
          core::PointsAccount{.member_id = id,
                              .member_code = m.code,
                              .store_id = m.store_id,
                              .balance = 172,
                              .open_lots = {{.id = 1, .remaining = 120, .expires_at = kNow + 20 * kDay},
                                            {.id = 2, .remaining = 52, .expires_at = std::nullopt}}};
    }
    // Ocha logs in with kPassword; Budi with another.
    credentials.candidates = {{1, "MAR-7Q2M9XW4", kStore, "$v1$" + kPassword},
                              {2, "TOK-K3H8P2RN", kOtherStore, "$v1$budi-rahasia"}};
    credentials.passwords = {{1, "$v1$" + kPassword}, {2, "$v1$budi-rahasia"}};
    const std::int64_t month = kNow + 30 * kDay;
    token(kMemberToken, core::Role::member, 1, kStore, month);
    token(kOtherMemberToken, core::Role::member, 2, kOtherStore, month);
    token(kStoreAdminToken, core::Role::admin, std::nullopt, kStore, month);
    token(kAllStoresAdminToken, core::Role::admin, std::nullopt, std::nullopt, month);
    token(kExpiredToken, core::Role::member, 1, kStore, kNow - kDay);

    for (long long i = 1; i <= 3; ++i) {
      core::Transaction t;
      t.summary = {.id = 100 + i,
                   .store_id = kStore,
                   .receipt_no = "2027050" + std::to_string(i),
                   .at = kNow - i * kDay,
                   .total = 52000,
                   .points_earned = 52,
                   .items = 4};
      t.member_id = 1;
      t.member_code = "MAR-7Q2M9XW4";
      t.cashier = "Dewi";
      t.payment_method = "cash";
      t.lines = {{.sku = "NC-01",
                  .name = "Nasi Cakalang",
                  .category = "food",
                  .qty = 4,
                  .unit_price = 13000,
                  .amount = 52000}};
      t.subtotal = 52000;
      t.paid = 60000;
      t.change = 8000;
      t.vouchers = {{.code = "V-8KD2-J6QW-4M7P", .redeemed = false, .discount = 0, .reason = "min_spend"}};
      history.sales.push_back(t);
    }
    core::Transaction budi;
    budi.summary = {.id = 200,
                    .store_id = kOtherStore,
                    .receipt_no = "T-1",
                    .at = kNow - kDay,
                    .total = 10000,
                    .points_earned = 10,
                    .items = 1};
    budi.member_id = 2;
    budi.lines = {{.sku = {}, .name = "Kopi", .category = {}, .qty = 1, .unit_price = 10000, .amount = 10000}};
    budi.subtotal = 10000;
    history.sales.push_back(budi);
    history.notices = {{1,
                        {.id = 11,
                         .store_id = kStore,
                         .kind = "sale_points",
                         .data_json = R"({"points": 52, "balance": 172, "receipt_no": "20270501"})",
                         .at = kNow - kDay,
                         .lang = "id",
                         .member_name = "Ocha"}},
                       {1,
                        {.id = 12,
                         .store_id = kStore,
                         .kind = "points_expiring",
                         .data_json = R"({"points": 120, "valid_until": "2027-05-30"})",
                         .at = kNow - 3600,
                         .lang = "en",
                         .member_name = "Ocha"}},
                       {2,
                        {.id = 13,
                         .store_id = kOtherStore,
                         .kind = "sale_points",
                         .data_json = "not json",
                         .at = kNow,
                         .lang = "id",
                         .member_name = "Budi"}}};
    core::VoucherRow v;
    v.voucher = {.code = "V-8KD2-J6QW-4M7P",
                 .store_id = kStore,
                 .member_code = "MAR-7Q2M9XW4",
                 .title = "Diskon 10% Nasi Cakalang",
                 .terms = {.benefit = domain::PercentOff{10, 20000}, .min_spend = 50000, .valid_days = 7, .title = {}},
                 .valid_from = {},
                 .valid_until = {},
                 .status = "active",
                 .source = "promo",
                 .redeemed_receipt = std::nullopt,
                 .discount = std::nullopt};
    v.valid_from = kNow - kDay;
    v.valid_until = kNow + 6 * kDay;
    v.created_at = kNow - kDay;
    history.vouchers.push_back({1, v});

    letters.letters = {{.id = 1,
                        .store_id = kOtherStore,
                        .event_id = "evt-1",
                        .topic = "setia/toko-lain/pos/sale",
                        .reason = "invalid",
                        .detail = "items is empty",
                        .payload = R"({"schema": "setia.pos.sale/1"})",
                        .at = kNow - 2 * kDay,
                        .replayed_at = std::nullopt,
                        .replay_result = std::nullopt},
                       {.id = 2,
                        .store_id = kStore,
                        .event_id = "9f3e1d2c-4b5a-4968-8776-a5b4c3d2e1f0",
                        .topic = "setia/marikh-salatiga/pos/sale",
                        .reason = "store_unavailable",
                        .detail = "the store was down",
                        .payload = R"({"schema": "setia.pos.sale/1", "event_id": "9f3e1d2c-4b5a-4968-8776-a5b4c3d2e1f0",
 "store_id": "marikh-salatiga", "receipt_no": "20270509001", "occurred_at": "2027-05-09T12:05:00+07:00",
 "member": "MAR-7Q2M9XW4", "items": [{"sku": "ET-02", "qty": 2, "unit_price": 8000}],
 "subtotal": 16000, "total": 16000})",
                        .at = kNow - kDay,
                        .replayed_at = std::nullopt,
                        .replay_result = std::nullopt},
                       {.id = 3,
                        .store_id = kStore,
                        .event_id = std::nullopt,
                        .topic = "setia/marikh-salatiga/pos/sale",
                        .reason = "undecodable",
                        .detail = "not JSON",
                        .payload = "\xff{not json",
                        .at = kNow - 60,
                        .replayed_at = kNow - 30,
                        .replay_result = R"({"result": null, "dead_lettered": true})"}};

    report_queries.periods = {{.period = "2027-05-08",
                               .sales = 12,
                               .amount = 640000,
                               .member_sales = 5,
                               .member_amount = 260000,
                               .points_issued = 260,
                               .points_redeemed = 100,
                               .points_expired = 0,
                               .points_reversed = 0,
                               .points_adjusted = 10,
                               .vouchers_redeemed = 1,
                               .voucher_discount = 5200},
                              {.period = "2027-05-09", .sales = 0}};
    report_queries.report = {.members = 2,
                             .buyers = 1,
                             .recency = {{"0-30", 1}, {"never", 1}},
                             .frequency = {{"0", 1}, {"2-4", 1}},
                             .spend = {{"0", 1}, {"100000-499999", 1}},
                             .top = {{.member_id = 1,
                                      .code = "MAR-7Q2M9XW4",
                                      .name = "Ocha",
                                      .last_purchase = kNow - kDay,
                                      .purchases = 3,
                                      .spend = 156000,
                                      .points = 172}},
                             .active_by_month = {{"2027-04", 1}, {"2027-05", 1}}};
    report_queries.customer_rows = {{.member_id = 1,
                                     .code = "MAR-7Q2M9XW4",
                                     .name = "Ocha",
                                     .last_purchase = kNow - kDay,
                                     .purchases = 3,
                                     .spend = 156000,
                                     .points = 172},
                                    {.member_id = 3,
                                     .code = "MAR-H4T6N8QZ",
                                     .name = "Sari",
                                     .last_purchase = std::nullopt,
                                     .purchases = 0,
                                     .spend = 0,
                                     .points = 172}};

    // Wednesday 2027-05-12: Ocha at 19:00 (pending), Sari at 12:00 (confirmed).
    reservation_store.now = kNow;
    reservation_store.rows = {{.id = 1,
                               .store_id = kStore,
                               .member_id = 1,
                               .member_code = "MAR-7Q2M9XW4",
                               .member_name = "Ocha",
                               .party = 4,
                               .starts_at = 1'810'123'200,
                               .ends_at = 1'810'128'600,
                               .created_at = kNow - kDay,
                               .date = "2027-05-12",
                               .time = "19:00",
                               .note = "dekat jendela",
                               .status = "pending"},
                              {.id = 2,
                               .store_id = kStore,
                               .member_id = 3,
                               .member_code = "MAR-H4T6N8QZ",
                               .member_name = "Sari",
                               .party = 2,
                               .starts_at = 1'810'098'000,
                               .ends_at = 1'810'103'400,
                               .created_at = kNow - kDay,
                               .date = "2027-05-12",
                               .time = "12:00",
                               .note = std::nullopt,
                               .status = "confirmed"}};
  }
};

}  // namespace setia::adapters::rest::fuzz
