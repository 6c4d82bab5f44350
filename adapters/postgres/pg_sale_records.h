#pragma once

#include "adapters/postgres/pg_session.h"
#include "core/ports/sale_records.h"

namespace setia::adapters::postgres {

class PgSaleRecords final : public core::SaleRecords {
 public:
  explicit PgSaleRecords(PgSession& session) : session_(session) {}

  // core::SaleRecords
  std::expected<std::optional<long long>, core::StoreError> sale_id(const std::string& store_id,
                                                                    const std::string& receipt_no) override;
  std::expected<std::vector<core::RecordedSale>, core::StoreError> member_sales_since(std::int64_t since) override;
  std::expected<std::vector<core::RecordedSale>, core::StoreError> member_sales_of_store_since(
      const std::string& store_id, std::int64_t since) override;

 private:
  std::expected<std::vector<core::RecordedSale>, core::StoreError> member_sales(
      const std::optional<std::string>& store_id, std::int64_t since);
  PgSession& session_;
};

}  // namespace setia::adapters::postgres
