// The authorization matrix (issue #14 point 6): every operation of
// docs/openapi.yaml, called by each of eight principals, and the status
// each must get. One table, one row per operation; a documented (or
// routed) operation without a row, a row of an operation that is no longer
// documented, or any status that differs fails the test.
//
// The requests start from the document's examples (openapi_support.h) and
// name real objects of store 1 made in SetUp (member A's sale, voucher,
// device and reservation, a reservation of member C for the admins, a dead
// letter of store 1, a staff account), and ?store=<store 1> on the admin
// lists: the allowed principals get a 2xx, the other store's owner a 403
// (naming store 1) or a 404 (its rows), member B a 404 for A's rows.
#include <array>
#include <functional>
#include <set>

#include "adapters/rest/rest_api.h"
#include "openapi_support.h"
#include "rest_fixture.h"

namespace setia::it {
namespace {

using nlohmann::json;

// The callers: the table's columns, in this order.
enum Who : std::size_t {
  kAnonymous,   // no Authorization header
  kMemberA,     // a member of store 1, registered through the API
  kMemberB,     // another member of store 1
  kStaff1,      // an account of store 1, role staff, points_limit 100, logged in
  kOwner1,      // an account of store 1, role owner, logged in
  kOwner2,      // an account of store 2, role owner, logged in
  kOperator,    // an account of every store (setiactl admin add --operator), logged in
  kRevokedKey,  // an API key of store 1 (role owner) made by the owner, then revoked
  kWhoCount
};
constexpr std::array<const char*, kWhoCount> kWhoNames{"anonymous",        "member A",         "member B",
                                                       "staff of store 1", "owner of store 1", "owner of store 2",
                                                       "operator",         "revoked key"};

// An expected answer: the status and, for some refusals, the reason the
// error must give.
struct Want {
  constexpr Want(int s) : status(s) {}  // implicit: the table holds plain statuses
  constexpr Want(int s, const char* r) : status(s), reason(r) {}
  int status;
  const char* reason = nullptr;
};
constexpr Want kOwnerOnly{403, "owner_only"};    // staff on an owner's path
constexpr Want kOtherStore{403, "other_store"};  // a store's admin naming another store in ?store=

struct Row {
  const char* op;  // "METHOD /template", as docs/openapi.yaml has it
  std::array<Want, kWhoCount> want;
};

// clang-format off
const Row kMatrix[] = {
    //                                              anon A    B    staff1      owner1 owner2       oper revoked
    // Open: no token needed, and one that is sent is not looked at (a
    // revoked one neither): a fresh registration, A's login, owner 1's login.
    {"POST /v1/auth/register",                     {201, 201, 201, 201,        201,   201,         201, 201}},
    {"POST /v1/auth/login",                        {200, 200, 200, 200,        200,   200,         200, 200}},
    {"POST /v1/admin/login",                       {200, 200, 200, 200,        200,   200,         200, 200}},
    // A fresh refresh token of member A for each call.
    {"POST /v1/auth/refresh",                      {200, 200, 200, 200,        200,   200,         200, 200}},
    // A code that is not eight digits: refused before any lookup, whoever
    // calls (a real code is RestRecovery's).
    {"POST /v1/auth/recover",                      {400, 400, 400, 400,        400,   400,         400, 400}},
    {"GET /healthz",                               {200, 200, 200, 200,        200,   200,         200, 200}},
    {"GET /metrics",                               {200, 200, 200, 200,        200,   200,         200, 200}},
    // A store's look, read by the member app before login.
    {"GET /v1/stores/{store}/branding",            {200, 200, 200, 200,        200,   200,         200, 200}},
    {"GET /v1/stores/{store}/manifest.webmanifest", {200, 200, 200, 200,       200,   200,         200, 200}},
    // Store 1 has no logo: a 404 for everybody, token or not.
    {"GET /v1/stores/{store}/logo",                {404, 404, 404, 404,        404,   404,         404, 404}},
    // Any valid token ends itself (each call with a fresh one).
    {"DELETE /v1/auth/token",                      {401, 204, 204, 204,        204,   204,         204, 401}},
    {"POST /v1/auth/logout",                       {401, 204, 204, 204,        204,   204,         204, 401}},
    // Every token of the member ends (they log in again after the row).
    {"POST /v1/auth/logout-all",                   {401, 204, 204, 403,        403,   403,         403, 401}},
    // A member's own data: every admin gets 403, whatever its role.
    {"GET /v1/me",                                 {401, 200, 200, 403,        403,   403,         403, 401}},
    {"PATCH /v1/me",                               {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/qr.svg",                          {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/qr.png",                          {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/points",                          {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/transactions",                    {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/vouchers",                        {401, 200, 200, 403,        403,   403,         403, 401}},
    {"POST /v1/me/devices",                        {401, 201, 201, 403,        403,   403,         403, 401}},
    {"GET /v1/me/notifications",                   {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/consents",                        {401, 200, 200, 403,        403,   403,         403, 401}},
    {"PATCH /v1/me/consents",                      {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/export",                          {401, 200, 200, 403,        403,   403,         403, 401}},
    // The example's current_password is not A's nor B's: refused, nobody
    // erased (the erasure itself is RestPrivacy's).
    {"DELETE /v1/me",                              {401, 403, 403, 403,        403,   403,         403, 401}},
    {"GET /v1/reservations/availability",          {401, 200, 200, 403,        403,   403,         403, 401}},
    {"GET /v1/me/reservations",                    {401, 200, 200, 403,        403,   403,         403, 401}},
    {"POST /v1/me/reservations",                   {401, 201, 201, 403,        403,   403,         403, 401}},
    {"GET /v1/promos",                             {401, 200, 200, 403,        403,   403,         403, 401}},
    {"POST /v1/promos/{id}/claim",                 {401, 201, 201, 403,        403,   403,         403, 401}},
    {"GET /v1/rewards",                            {401, 200, 200, 403,        403,   403,         403, 401}},
    {"POST /v1/rewards/{id}/redeem",               {401, 201, 201, 403,        403,   403,         403, 401}},
    // Member A's sale, voucher, device and reservation: B gets 404, as for
    // one that does not exist.
    {"GET /v1/me/transactions/{id}",               {401, 200, 404, 403,        403,   403,         403, 401}},
    {"GET /v1/me/transactions/{id}/enota.html",    {401, 200, 404, 403,        403,   403,         403, 401}},
    {"GET /v1/me/vouchers/{code}/qr.svg",          {401, 200, 404, 403,        403,   403,         403, 401}},
    {"GET /v1/me/vouchers/{code}/qr.png",          {401, 200, 404, 403,        403,   403,         403, 401}},
    {"DELETE /v1/me/devices/{token}",              {401, 204, 404, 403,        403,   403,         403, 401}},
    {"DELETE /v1/me/reservations/{id}",            {401, 204, 404, 403,        403,   403,         403, 401}},
    // An admin's own account: members get 403; every person (a session) may
    // change their own password with the current one.
    {"GET /v1/admin/me",                           {401, 403, 403, 200,        200,   200,         200, 401}},
    {"PATCH /v1/admin/me",                         {401, 403, 403, 204,        204,   204,         204, 401}},
    // The day's work, staff included. Lists name ?store=<store 1>: store
    // 2's owner gets 403; store 1's rows (member A, member C's reservation)
    // are 404 to it.
    {"GET /v1/admin/members",                      {401, 403, 403, 200,        200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/members/{id}",                 {401, 403, 403, 200,        200,   404,         200, 401}},
    {"POST /v1/admin/members/{id}/points",         {401, 403, 403, 201,        201,   404,         201, 401}},
    // Member A's one-time code: three allowed calls, the three an hour.
    {"POST /v1/admin/members/{id}/recovery-code",  {401, 403, 403, 201,        201,   404,         201, 401}},
    {"GET /v1/admin/reservations",                 {401, 403, 403, 200,        200,   kOtherStore, 200, 401}},
    // A guest's booking taken by phone, at a time of each admin's own.
    {"POST /v1/admin/reservations",                {401, 403, 403, 201,        201,   kOtherStore, 201, 401}},
    // Confirming (cancelling) one already confirmed (cancelled) answers it
    // again: 200 for each admin after the first.
    {"POST /v1/admin/reservations/{id}/confirm",   {401, 403, 403, 200,        200,   404,         200, 401}},
    {"POST /v1/admin/reservations/{id}/cancel",    {401, 403, 403, 200,        200,   404,         200, 401}},
    {"GET /v1/admin/deadletters",                  {401, 403, 403, 200,        200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/members/{id}/consents",        {401, 403, 403, 200,        200,   404,         200, 401}},
    {"PATCH /v1/admin/members/{id}/consents",      {401, 403, 403, 200,        200,   404,         200, 401}},
    // The owners' (and the operator's): staff get 403 owner_only.
    {"PATCH /v1/admin/members/{id}",               {401, 403, 403, kOwnerOnly, 200,   404,         200, 401}},
    {"POST /v1/admin/deadletters/{id}/replay",     {401, 403, 403, kOwnerOnly, 200,   404,         200, 401}},
    {"GET /v1/admin/members/{id}/export",          {401, 403, 403, kOwnerOnly, 200,   404,         200, 401}},
    // A throwaway member of store 1 for each call, named with ?store=.
    {"POST /v1/admin/members/{id}/erase",          {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/rules",                        {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    // Store 1's rules, edited: saved as they are (each on the newest
    // version), so that the rows after it see the same rules; version 1 is
    // owner 1's save, version 2 the operator's.
    {"PUT /v1/admin/rules",                        {401, 403, 403, kOwnerOnly, 201,   kOtherStore, 201, 401}},
    {"POST /v1/admin/rules/check",                 {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"POST /v1/admin/rules/preview",               {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/rules/versions",               {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/rules/versions/{n}",           {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/rules/versions/{n}/diff",      {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"POST /v1/admin/rules/versions/{n}/restore",  {401, 403, 403, kOwnerOnly, 201,   kOtherStore, 201, 401}},
    {"GET /v1/admin/promos",                       {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/reports/sales",                {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/reports/customers",            {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    // The console's owner pages: today's figures, the pushes' health.
    {"GET /v1/admin/dashboard",                    {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/pushes",                       {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"GET /v1/admin/admins",                       {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"POST /v1/admin/admins",                      {401, 403, 403, kOwnerOnly, 201,   kOtherStore, 201, 401}},
    // The staff account's own points_limit, set to what it is.
    {"PATCH /v1/admin/admins/{id}",                {401, 403, 403, kOwnerOnly, 200,   404,         200, 401}},
    {"GET /v1/admin/apikeys",                      {401, 403, 403, kOwnerOnly, 200,   kOtherStore, 200, 401}},
    {"POST /v1/admin/apikeys",                     {401, 403, 403, kOwnerOnly, 201,   kOtherStore, 201, 401}},
    // A fresh key of store 1 for each call.
    {"DELETE /v1/admin/apikeys/{id}",              {401, 403, 403, kOwnerOnly, 204,   404,         204, 401}},
};
// clang-format on

std::set<std::string> row_ops() {
  std::set<std::string> out;
  for (const auto& row : kMatrix) out.insert(row.op);
  return out;
}

// Without a daemon: the table against the document and the router. (That
// the router and the document agree is RestOpenApiRoutes'; here a route
// with no row fails too, documented or not.)
TEST(RestAuthzMatrixRows, EveryDocumentedAndRoutedOperationHasExactlyOneRow) {
  std::set<std::string> rows;
  for (const auto& row : kMatrix) EXPECT_TRUE(rows.insert(row.op).second) << "two rows for " << row.op;
  std::set<std::string> documented;
  for (const auto& o : openapi_operations(openapi())) documented.insert(o.key());
  for (const auto& d : documented) {
    EXPECT_TRUE(rows.contains(d)) << d
                                  << " is in docs/openapi.yaml but has no row in kMatrix "
                                     "(tests/integration/rest_authz_matrix_test.cpp): add one with the status each "
                                     "principal must get";
  }
  for (const auto& r : rows) {
    EXPECT_TRUE(documented.contains(r)) << "kMatrix has a row for " << r
                                        << ", which docs/openapi.yaml does not document (a stale row)";
  }
  adapters::rest::RestApi api({}, {});
  for (const auto& route : api.router().routes()) {
    EXPECT_TRUE(rows.contains(route.method + " " + route.pattern))
        << route.method << " " << route.pattern << " is routed but has no row in kMatrix";
  }
}

struct Account {
  std::string login, password, token;
  long long id = 0;
};

class RestAuthzMatrix : public RestTest {
 protected:
  void SetUp() override {
    RestTest::SetUp();
    day_ = tomorrow_wib();
    store2_ = unique("seberang");
    a_ = register_member("Alya");
    b_ = register_member("Bima");
    c_ = register_member("Citra");

    // The admins.
    staff1_ = account({"--store", store_, "--role", "staff", "--points-limit", "100"}, "kasir");
    owner1_ = account({"--store", store_, "--role", "owner"}, "pemilik");
    owner2_ = account({"--store", store2_, "--role", "owner"}, "pemilik-lain");
    operator_ = account({"--operator"}, "operator");
    // An owner's key of store 1 (were it not revoked it would reach every
    // owner's path), revoked.
    auto key =
        http().post("/v1/admin/apikeys", {{"name", "revoked kiosk"}, {"role", "owner"}, {"days", 1}}, owner1_.token);
    ASSERT_EQ(key.status, 201) << key.body;
    revoked_key_ = key.json()["key"];
    auto revoked = http().del("/v1/admin/apikeys/" + std::to_string(key.json()["id"].get<long long>()), owner1_.token);
    ASSERT_EQ(revoked.status, 204) << revoked.body;

    // A's sale (250 points) and B's (150), so that both may redeem the
    // reward (100) in the table after A redeemed it once here; A's voucher.
    send_sales({sale(store_, unique("evt"), "A-1", 2, 125000, a_.code),
                sale(store_, unique("evt"), "B-1", 1, 150000, b_.code)});
    auto sales = http().get("/v1/me/transactions", a_.token).json();
    ASSERT_EQ(sales["items"].size(), 1u) << sales;
    a_sale_ = std::to_string(sales["items"][0]["id"].get<long long>());
    auto redeemed = http().post("/v1/rewards/free-smoothie/redeem", json::object(), a_.token);
    ASSERT_EQ(redeemed.status, 201) << redeemed.body;
    a_voucher_ = redeemed.json()["voucher"]["code"];
    // A's device and reservation; C's reservations for the admins.
    a_device_ = "fcm-" + unique("a") + ":x";
    ASSERT_EQ(http().post("/v1/me/devices", {{"token", a_device_}}, a_.token).status, 201);
    a_reservation_ = book(a_, "10:00");
    c_to_confirm_ = book(c_, "16:00");
    c_to_cancel_ = book(c_, "17:00");
    // A dead letter of store 1.
    Probe probe({daemon_->options().topic_prefix + "/+/deadletter"});
    probe.publish(daemon_->options().topic_prefix + "/" + store_ + "/pos/sale", "{oops");
    ASSERT_EQ(probe.wait("/deadletter", 1).size(), 1u);
    auto letters = http().get("/v1/admin/deadletters", owner1_.token).json();
    ASSERT_EQ(letters["items"].size(), 1u) << letters;
    dead_letter_ = std::to_string(letters["items"][0]["id"].get<long long>());

    fill_requests();
  }

  Account account(std::vector<std::string> args, const std::string& who) {
    Account a;
    a.login = unique(who) + "@example.com";
    a.password = "rahasia-" + who;
    args.insert(args.end(), {"--login", a.login, "--name", who});
    a.id = add_admin_with_setiactl(args, a.password);
    a.token = admin_login(a.login, a.password);
    return a;
  }

  std::string book(const TestMember& m, const std::string& time) {
    auto r = http().post("/v1/me/reservations", {{"date", day_}, {"time", time}, {"party", 2}}, m.token);
    EXPECT_EQ(r.status, 201) << r.body;
    return r.status == 201 ? std::to_string(r.json()["reservation"]["id"].get<long long>()) : "0";
  }

  const Account* account_of(Who who) const {
    switch (who) {
      case kStaff1: return &staff1_;
      case kOwner1: return &owner1_;
      case kOwner2: return &owner2_;
      case kOperator: return &operator_;
      default: return nullptr;
    }
  }

  // The token a principal calls with; a fresh one for the logouts, which
  // end it.
  std::string token_of(Who who, bool fresh) {
    if (who == kAnonymous) return "";
    if (who == kRevokedKey) return revoked_key_;
    if (who == kMemberA || who == kMemberB) {
      const auto& m = who == kMemberA ? a_ : b_;
      if (!fresh) return m.token;
      auto r = http().post("/v1/auth/login", {{"login", m.email}, {"password", m.password}});
      EXPECT_EQ(r.status, 200) << r.body;
      return r.status == 200 ? r.json()["token"].get<std::string>() : "";
    }
    const auto* a = account_of(who);
    return fresh ? admin_login(a->login, a->password) : a->token;
  }

  // What each operation's request names in place of the document's
  // examples, for the principal about to call it.
  void fill_requests() {
    using Fill = std::function<void(Who, ExampleRequest&)>;
    auto store_1 = [this](Who, ExampleRequest& r) { r.query["store"] = store_; };
    auto member_a = [this](Who, ExampleRequest& r) { r.params["id"] = a_.code; };
    fill_ = std::map<std::string, Fill>{
        {"POST /v1/auth/register",
         [this](Who, ExampleRequest& r) {
           static std::mt19937_64 rng{std::random_device{}()};
           r.body["store"] = store_;
           r.body["phone"] = "08" + std::to_string(1000000000 + rng() % 9000000000);
           r.body["email"] = unique("daftar") + "@example.com";
         }},
        {"POST /v1/auth/login",
         [this](Who, ExampleRequest& r) {
           r.body = {{"login", a_.email}, {"password", a_.password}};
         }},
        {"POST /v1/admin/login",
         [this](Who, ExampleRequest& r) {
           r.body = {{"login", owner1_.login}, {"password", owner1_.password}};
         }},
        {"POST /v1/auth/refresh",
         [this](Who, ExampleRequest& r) {
           auto l = http().post("/v1/auth/login", {{"login", a_.email}, {"password", a_.password}, {"refresh", true}});
           EXPECT_EQ(l.status, 200) << l.body;
           r.body = {{"refresh_token", l.json().value("refresh_token", "")}};
         }},
        {"POST /v1/auth/recover", [](Who, ExampleRequest& r) { r.body["code"] = "bukan-kode"; }},
        {"GET /v1/stores/{store}/branding", [this](Who, ExampleRequest& r) { r.params["store"] = store_; }},
        {"GET /v1/stores/{store}/manifest.webmanifest", [this](Who, ExampleRequest& r) { r.params["store"] = store_; }},
        {"GET /v1/stores/{store}/logo", [this](Who, ExampleRequest& r) { r.params["store"] = store_; }},
        {"POST /v1/admin/members/{id}/recovery-code", member_a},
        {"GET /v1/admin/members/{id}/consents", member_a},
        {"PATCH /v1/admin/members/{id}/consents", member_a},
        {"GET /v1/admin/members/{id}/export", member_a},
        {"POST /v1/admin/members/{id}/erase",
         [this](Who, ExampleRequest& r) {
           r.params["id"] = register_member("Hapus").code;
           r.query["store"] = store_;
         }},
        {"GET /v1/me/transactions/{id}", [this](Who, ExampleRequest& r) { r.params["id"] = a_sale_; }},
        {"GET /v1/me/transactions/{id}/enota.html", [this](Who, ExampleRequest& r) { r.params["id"] = a_sale_; }},
        {"GET /v1/me/vouchers/{code}/qr.svg", [this](Who, ExampleRequest& r) { r.params["code"] = a_voucher_; }},
        {"GET /v1/me/vouchers/{code}/qr.png", [this](Who, ExampleRequest& r) { r.params["code"] = a_voucher_; }},
        // The example token may be another member's by now (409).
        {"POST /v1/me/devices", [](Who, ExampleRequest& r) { r.body["token"] = "fcm-" + unique("d") + ":x"; }},
        {"DELETE /v1/me/devices/{token}", [this](Who, ExampleRequest& r) { r.params["token"] = a_device_; }},
        {"GET /v1/reservations/availability", [this](Who, ExampleRequest& r) { r.query["date"] = day_; }},
        {"POST /v1/me/reservations",
         [this](Who who, ExampleRequest& r) {
           r.body["date"] = day_;
           r.body["time"] = who == kMemberA ? "12:00" : "14:00";
           r.body["party"] = 2;
         }},
        {"DELETE /v1/me/reservations/{id}", [this](Who, ExampleRequest& r) { r.params["id"] = a_reservation_; }},
        // The example is a reward's id; the promo of the rule file
        // (kRestRules: two claims in all, one each for A and B).
        {"POST /v1/promos/{id}/claim", [](Who, ExampleRequest& r) { r.params["id"] = "hemat"; }},
        // Their own password again: it stays, and every other session ends
        // (none is held).
        {"PATCH /v1/admin/me",
         [this](Who who, ExampleRequest& r) {
           if (const auto* a = account_of(who)) r.body = {{"current_password", a->password}, {"password", a->password}};
         }},
        {"GET /v1/admin/admins", store_1},
        {"POST /v1/admin/admins",
         [this](Who, ExampleRequest& r) {
           r.query["store"] = store_;
           r.body["login"] = unique("kasir") + "@example.com";
         }},
        {"PATCH /v1/admin/admins/{id}",
         [this](Who, ExampleRequest& r) {
           r.params["id"] = std::to_string(staff1_.id);
           r.body = {{"points_limit", 100}};
         }},
        {"GET /v1/admin/apikeys", store_1},
        {"POST /v1/admin/apikeys", store_1},
        {"DELETE /v1/admin/apikeys/{id}",
         [this](Who, ExampleRequest& r) {
           auto k = http().post("/v1/admin/apikeys", {{"name", unique("kiosk")}, {"days", 1}}, owner1_.token);
           EXPECT_EQ(k.status, 201) << k.body;
           r.params["id"] = std::to_string(k.json().value("id", 0LL));
         }},
        {"GET /v1/admin/members", store_1},
        {"GET /v1/admin/members/{id}", member_a},
        {"PATCH /v1/admin/members/{id}", member_a},
        {"POST /v1/admin/members/{id}/points", member_a},
        {"GET /v1/admin/reservations",
         [this](Who, ExampleRequest& r) {
           r.query["date"] = day_;
           r.query["store"] = store_;
         }},
        {"POST /v1/admin/reservations",
         [this](Who who, ExampleRequest& r) {
           r.query["store"] = store_;
           r.body["date"] = day_;
           r.body["time"] = who == kStaff1 ? "18:00" : who == kOwner1 ? "19:00" : "20:00";
           r.body["party"] = 1;
         }},
        {"POST /v1/admin/reservations/{id}/confirm",
         [this](Who, ExampleRequest& r) { r.params["id"] = c_to_confirm_; }},
        {"POST /v1/admin/reservations/{id}/cancel", [this](Who, ExampleRequest& r) { r.params["id"] = c_to_cancel_; }},
        {"GET /v1/admin/rules", store_1},
        {"PUT /v1/admin/rules",
         [this](Who, ExampleRequest& r) {
           r.query["store"] = store_;
           auto now = http().get("/v1/admin/rules?store=" + store_, owner1_.token).json();
           r.body = {{"sections", json::object()}, {"base_version", now["store_rules"].value("version", 0)}};
         }},
        {"POST /v1/admin/rules/check", store_1},
        {"POST /v1/admin/rules/preview", store_1},
        {"GET /v1/admin/rules/versions", store_1},
        {"GET /v1/admin/rules/versions/{n}", store_1},
        {"GET /v1/admin/rules/versions/{n}/diff",
         [this](Who, ExampleRequest& r) {
           r.query["store"] = store_;
           r.params["n"] = "2";
         }},
        {"POST /v1/admin/rules/versions/{n}/restore", store_1},
        {"GET /v1/admin/promos", store_1},
        {"GET /v1/admin/deadletters", store_1},
        {"POST /v1/admin/deadletters/{id}/replay", [this](Who, ExampleRequest& r) { r.params["id"] = dead_letter_; }},
        {"GET /v1/admin/reports/sales", store_1},
        {"GET /v1/admin/reports/customers", store_1},
        {"GET /v1/admin/dashboard", store_1},
        {"GET /v1/admin/pushes", store_1},
    };
  }

  std::string day_, store2_, revoked_key_, a_sale_, a_voucher_, a_device_, a_reservation_, c_to_confirm_, c_to_cancel_,
      dead_letter_;
  TestMember a_, b_, c_;
  Account staff1_, owner1_, owner2_, operator_;
  std::map<std::string, std::function<void(Who, ExampleRequest&)>> fill_;
};

std::string error_code_of(int status) {
  switch (status) {
    case 401: return "unauthenticated";
    case 403: return "forbidden";
    case 404: return "not_found";
    default: return "";
  }
}

TEST_F(RestAuthzMatrix, EveryOperationAnswersEachPrincipalAsTheTableSays) {
  const auto doc = openapi();
  const auto rows = row_ops();
  for (const auto& [op, fill] : fill_) EXPECT_TRUE(rows.contains(op)) << "fill_ names " << op << ", which has no row";
  std::map<std::string, const Row*> by_op;
  for (const auto& row : kMatrix) by_op[row.op] = &row;

  int calls = 0;
  for (const auto& o : openapi_operations(doc)) {
    auto it = by_op.find(o.key());
    if (it == by_op.end()) {
      ADD_FAILURE() << o.key() << " has no row in kMatrix";
      continue;
    }
    const Row& row = *it->second;
    const bool logout = o.path == "/v1/auth/token" || o.path == "/v1/auth/logout" || o.path == "/v1/auth/logout-all";
    // The refused first, then the allowed: what an allowed call changes (a
    // device dropped, a reservation cancelled) is still there when a
    // refused one asks for it.
    std::vector<Who> order;
    for (std::size_t w = 0; w < kWhoCount; ++w) {
      if (row.want[w].status >= 400) order.push_back(static_cast<Who>(w));
    }
    for (std::size_t w = 0; w < kWhoCount; ++w) {
      if (row.want[w].status < 400) order.push_back(static_cast<Who>(w));
    }
    for (Who who : order) {
      auto req = example_request(doc, o);
      if (auto f = fill_.find(o.key()); f != fill_.end()) f->second(who, req);
      const std::string token = token_of(who, logout);
      auto r = http().request(o.method, req.target(), req.body_text(), token, {{"Content-Type", "application/json"}});
      ++calls;
      const Want& want = row.want[who];
      const std::string shown = r.body.substr(0, 400);
      EXPECT_EQ(r.status, want.status) << o.method << " " << req.target() << " as " << kWhoNames[who] << ": expected "
                                       << want.status << ", got " << r.status << ": " << shown;
      if (r.status != want.status || r.status < 400) continue;
      const auto j = r.json();
      const json err = j.is_object() && j.contains("error") && j["error"].is_object() ? j["error"] : json::object();
      if (!error_code_of(r.status).empty()) {
        EXPECT_EQ(err.value("code", ""), error_code_of(r.status))
            << o.method << " " << req.target() << " as " << kWhoNames[who] << ": " << shown;
      }
      if (want.reason) {
        EXPECT_EQ(err.value("reason", ""), want.reason)
            << o.method << " " << req.target() << " as " << kWhoNames[who] << ": " << shown;
      }
    }
    if (o.path == "/v1/auth/logout-all") {
      // The members' tokens of the later rows ended with it.
      a_.token = token_of(kMemberA, true);
      b_.token = token_of(kMemberB, true);
    }
  }
  EXPECT_EQ(calls, static_cast<int>(std::size(kMatrix) * kWhoCount)) << "each row's eight calls were made";
}

}  // namespace
}  // namespace setia::it
