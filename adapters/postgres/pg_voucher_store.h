#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/voucher_store.h"

namespace setia::adapters::postgres {

class PgVoucherStore final : public core::VoucherStore {
 public:
  explicit PgVoucherStore(std::string conninfo) : session_(std::move(conninfo)) {}

  // core::VoucherStore
  std::expected<domain::Voucher, InsertFailure> insert(const core::NewVoucher& v) override;
  std::expected<std::optional<domain::Voucher>, core::StoreError> find(const std::string& code) override;
  std::expected<bool, core::StoreError> void_voucher(const std::string& code) override;

 private:
  PgSession session_;
};

}  // namespace setia::adapters::postgres
