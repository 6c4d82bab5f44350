#pragma once

// What was recorded for members, in memory: their sales (with the e-nota's
// details), notifications and vouchers, each list newest first and paged
// as the Pg store pages it.

#include <algorithm>
#include <cctype>
#include <string>
#include <vector>

#include "core/ports/member_history.h"
#include "tests/fakes/keyset_page.h"

namespace setia::core::fakes {

class FakeMemberHistory final : public MemberHistory {
 public:
  std::vector<Transaction> sales;  // any order
  struct Notification {
    long long member_id = 0;
    NotificationRow row;
  };
  std::vector<Notification> notices;
  struct OwnedVoucher {
    long long member_id = 0;
    VoucherRow row;
  };
  std::vector<OwnedVoucher> vouchers;

  std::expected<Page<TransactionSummary>, StoreError> member_transactions(const std::string& store_id,
                                                                          long long member_id,
                                                                          const PageRequest& page) override {
    std::vector<TransactionSummary> rows;
    for (const auto& t : sales) {
      if (t.summary.store_id == store_id && t.member_id == member_id) rows.push_back(t.summary);
    }
    std::sort(rows.begin(), rows.end(),
              [](const auto& x, const auto& y) { return std::pair(x.at, x.id) > std::pair(y.at, y.id); });
    return keyset_page(rows, page, [](const TransactionSummary& t) { return Cursor{t.at, t.id}; });
  }
  std::expected<std::optional<Transaction>, StoreError> transaction(long long sale_id,
                                                                    std::optional<long long> member_id,
                                                                    std::optional<std::string> store_id) override {
    for (const auto& t : sales) {
      if (t.summary.id != sale_id) continue;
      // As the Pg store: each condition given must hold.
      if (!member_id && !store_id) continue;
      if ((!member_id || t.member_id == member_id) && (!store_id || t.summary.store_id == *store_id)) return t;
    }
    return std::nullopt;
  }
  std::expected<Page<NotificationRow>, StoreError> notifications(const std::string& store_id, long long member_id,
                                                                 const PageRequest& page) override {
    std::vector<NotificationRow> rows;
    for (const auto& n : notices) {
      if (n.row.store_id == store_id && n.member_id == member_id) rows.push_back(n.row);
    }
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.id > y.id; });
    return keyset_page(rows, page, [](const NotificationRow& n) { return Cursor{n.id, 0}; });
  }
  std::expected<Page<VoucherRow>, StoreError> member_vouchers(const std::string& store_id, long long member_id,
                                                              const PageRequest& page) override {
    std::vector<VoucherRow> rows;
    for (const auto& v : vouchers) {
      if (v.row.voucher.store_id == store_id && v.member_id == member_id) rows.push_back(v.row);
    }
    // created_at stands for the Pg row's id: distinct, newest first.
    std::sort(rows.begin(), rows.end(), [](const auto& x, const auto& y) { return x.created_at > y.created_at; });
    return keyset_page(rows, page, [](const VoucherRow& v) { return Cursor{v.created_at, 0}; });
  }
  std::expected<std::optional<VoucherRow>, StoreError> member_voucher(const std::string& store_id, long long member_id,
                                                                      const std::string& code) override {
    for (const auto& v : vouchers) {
      if (v.row.voucher.store_id == store_id && v.member_id == member_id && plain(v.row.voucher.code) == plain(code))
        return v.row;
    }
    return std::nullopt;
  }

 private:
  // A code as typed: any case, dashes or not.
  static std::string plain(const std::string& code) {
    std::string out;
    for (unsigned char c : code) {
      if (c != '-') out.push_back(static_cast<char>(std::toupper(c)));
    }
    return out;
  }
};

}  // namespace setia::core::fakes
