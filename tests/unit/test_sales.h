#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace setia::test {

// The paper's receipt: 4 x Nasi Cakalang at Rp 13.000, paid Rp 100.000.
inline nlohmann::json paper_sale() {
  return nlohmann::json::parse(R"({
    "schema": "setia.pos.sale/1",
    "event_id": "7d9a3f0e-3b8e-4d0c-9a57-1f2b7c1d5e11",
    "store_id": "marikh-salatiga",
    "receipt_no": "20200505234",
    "occurred_at": "2020-05-27T11:11:00+07:00",
    "member": "MKH-7Q2M9XW4",
    "customer_name": "Ocha",
    "cashier": "kasir-1",
    "table": "2",
    "service": "dine_in",
    "items": [{"sku": "NC-01", "name": "Nasi Cakalang", "qty": 4, "unit_price": 13000, "category": "food"}],
    "subtotal": 52000, "discount": 0, "service_charge": 0, "tax": 0, "total": 52000,
    "paid": 100000, "change": 48000, "payment_method": "cash", "vouchers": []
  })");
}

}  // namespace setia::test
