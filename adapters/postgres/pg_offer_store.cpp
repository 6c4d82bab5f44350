#include "adapters/postgres/pg_offer_store.h"

#include "core/domain/voucher_terms_json.h"

#include <soci/postgresql/soci-postgresql.h>
#include <nlohmann/json.hpp>

namespace setia::adapters::postgres {
namespace {

using Status = core::OfferOutcome::Status;

Status refusal(const std::string& reason) {
  if (reason == "insufficient_points") return Status::insufficient_points;
  if (reason == "out_of_stock") return Status::out_of_stock;
  if (reason == "already_claimed") return Status::already_claimed;
  if (reason == "sold_out") return Status::sold_out;
  return Status::no_such_member;
}

}  // namespace

std::expected<core::OfferOutcome, core::StoreError> PgOfferStore::run_offer(
    const core::OfferVoucher& voucher, const std::string& store_id, const std::string& member_code,
    const std::string& source, const std::function<std::string(soci::session&)>& call) {
  core::OfferOutcome out;
  std::string answer;
  for (int attempt = 0;; ++attempt) {
    bool retry = false;
    answer.clear();
    out.status = Status::issued;
    auto done = session_.run([&](soci::session& sql) {
      try {
        answer = call(sql);
      } catch (const soci::postgresql_soci_error& e) {
        if (e.sqlstate() == "23505" && std::string(e.what()).find("vouchers_code_key") != std::string::npos) {
          out.status = Status::code_taken;
          return;
        }
        if ((e.sqlstate() == "40001" || e.sqlstate() == "40P01") && attempt < 3) {
          retry = true;
          return;
        }
        throw;
      }
    });
    if (!done) return std::unexpected(done.error());
    if (!retry) break;
  }
  if (out.status == Status::code_taken) return out;
  auto j = nlohmann::json::parse(answer);
  if (j.value("status", "") != "issued") {
    out.status = refusal(j.value("reason", ""));
    if (j.contains("balance")) out.balance = j["balance"].get<long long>();
    return out;
  }
  if (j.contains("balance")) out.balance = j["balance"].get<long long>();
  const auto& v = j["voucher"];
  out.voucher = domain::Voucher{.code = v["code"].get<std::string>(),
                                .store_id = store_id,
                                .member_code = member_code,
                                .title = voucher.title,
                                .terms = voucher.terms,
                                .valid_from = v["valid_from"].get<std::string>(),
                                .valid_until = v["valid_until"].get<std::string>(),
                                .status = "active",
                                .source = source,
                                .redeemed_receipt = {},
                                .discount = {}};
  out.voucher.terms.title = voucher.title;
  return out;
}

std::expected<core::OfferOutcome, core::StoreError> PgOfferStore::redeem(const core::RedeemCommand& cmd) {
  std::string terms = nlohmann::json(cmd.voucher.terms).dump();
  long long cost = cmd.cost, stock = cmd.stock.value_or(0), now = cmd.now;
  soci::indicator stock_ind = cmd.stock ? soci::i_ok : soci::i_null;
  return run_offer(cmd.voucher, cmd.store_id, cmd.member_code, "reward", [&](soci::session& sql) {
    std::string answer;
    sql << "SELECT setia_redeem_reward(:s, :m, :r, :cost, :stock, :code, :title, CAST(:terms AS jsonb), "
           "to_timestamp(:now))::text",
        soci::use(cmd.store_id), soci::use(cmd.member_code), soci::use(cmd.reward_id), soci::use(cost),
        soci::use(stock, stock_ind), soci::use(cmd.voucher.code), soci::use(cmd.voucher.title), soci::use(terms),
        soci::use(now), soci::into(answer);
    return answer;
  });
}

std::expected<core::OfferOutcome, core::StoreError> PgOfferStore::claim(const core::ClaimCommand& cmd) {
  std::string terms = nlohmann::json(cmd.voucher.terms).dump();
  long long total = cmd.total.value_or(0), now = cmd.now;
  int per_member = cmd.per_member;
  soci::indicator total_ind = cmd.total ? soci::i_ok : soci::i_null;
  return run_offer(cmd.voucher, cmd.store_id, cmd.member_code, "promo", [&](soci::session& sql) {
    std::string answer;
    sql << "SELECT setia_claim_promo(:s, :m, :p, :per, :total, :code, :title, CAST(:terms AS jsonb), "
           "to_timestamp(:now))::text",
        soci::use(cmd.store_id), soci::use(cmd.member_code), soci::use(cmd.promo_id), soci::use(per_member),
        soci::use(total, total_ind), soci::use(cmd.voucher.code), soci::use(cmd.voucher.title), soci::use(terms),
        soci::use(now), soci::into(answer);
    return answer;
  });
}

std::expected<core::OfferCounts, core::StoreError> PgOfferStore::reward_counts(const std::string& store_id) {
  core::OfferCounts c;
  auto done = session_.run([&](soci::session& sql) {
    c.taken.clear();
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT reward_id, redeemed FROM reward_stock WHERE store_id = :s", soci::use(store_id));
    for (const auto& r : rows) c.taken[r.get<std::string>(0)] = r.get<long long>(1);
  });
  if (!done) return std::unexpected(done.error());
  return c;
}

std::expected<core::OfferCounts, core::StoreError> PgOfferStore::promo_counts(const std::string& store_id,
                                                                              const std::string& member_code) {
  core::OfferCounts c;
  auto done = session_.run([&](soci::session& sql) {
    c = {};
    soci::rowset<soci::row> rows =
        (sql.prepare << "SELECT promo_id, claimed FROM promo_counters WHERE store_id = :s", soci::use(store_id));
    for (const auto& r : rows) c.taken[r.get<std::string>(0)] = r.get<long long>(1);
    if (member_code.empty()) return;
    soci::rowset<soci::row> mine = (sql.prepare << "SELECT c.promo_id, count(*) FROM promo_claims c "
                                                   "JOIN members m ON m.store_id = c.store_id AND m.id = c.member_id "
                                                   "WHERE m.code = :m AND c.store_id = :s GROUP BY c.promo_id",
                                    soci::use(member_code, "m"), soci::use(store_id, "s"));
    for (const auto& r : mine) c.by_member[r.get<std::string>(0)] = r.get<long long>(1);
  });
  if (!done) return std::unexpected(done.error());
  return c;
}

}  // namespace setia::adapters::postgres
