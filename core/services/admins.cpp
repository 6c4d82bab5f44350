#include "core/services/admins.h"

#include <algorithm>
#include <cctype>

#include "core/domain/store_id.h"

namespace setia::core {
namespace {

using Kind = ServiceError::Kind;

constexpr const char* kBadLogin = "wrong login or password";

std::string lower_trimmed(const std::string& s) {
  auto b = s.find_first_not_of(" \t");
  if (b == std::string::npos) return "";
  std::string out = s.substr(b, s.find_last_not_of(" \t") - b + 1);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

bool looks_like_email(const std::string& s) {
  auto at = s.find('@');
  return s.size() >= 3 && s.size() <= 254 && at != std::string::npos && at > 0 && at + 1 < s.size() &&
         s.find_first_of(" \t\r\n") == std::string::npos;
}

std::unexpected<ServiceError> owner_only() {
  return fail(Kind::forbidden, "only an owner of the store (or an operator) manages its admins and API keys",
              "owner_only");
}

std::unexpected<ServiceError> unavailable(const StoreError& e) { return fail(Kind::unavailable, e.message); }

}  // namespace

bool manages_admins(const Principal& who) {
  return who.role == Role::admin && (who.admin_role == AdminRole::owner || who.admin_role == AdminRole::operator_);
}

std::int64_t Admins::now() const {
  return std::chrono::duration_cast<std::chrono::seconds>(clock_.now().time_since_epoch()).count();
}

std::expected<std::optional<std::string>, ServiceError> Admins::store_of(const Principal& who,
                                                                         const std::optional<std::string>& named,
                                                                         bool required) {
  if (named && !domain::is_valid_store_id(*named)) {
    return fail(Kind::invalid, "store must match [a-z0-9][a-z0-9-]{0,62}", "invalid_store");
  }
  if (!who.all_stores) {
    if (named && *named != who.store_id) {
      return fail(Kind::forbidden, "this admin is of store " + who.store_id, "other_store");
    }
    return std::optional<std::string>(who.store_id);
  }
  if (!named && required) return fail(Kind::invalid, "name the store: store_id (or ?store=)", "store_required");
  return named;
}

std::expected<std::pair<AdminRole, std::optional<std::string>>, ServiceError> Admins::grant(
    const Principal& who, const std::string& role_name, const std::optional<std::string>& named) {
  if (!manages_admins(who)) return owner_only();
  auto role = admin_role_from(role_name);
  if (!role) return fail(Kind::invalid, "role must be owner, staff or operator", "invalid_role");
  if (*role != AdminRole::operator_) {
    auto store = store_of(who, named, true);
    if (!store) return std::unexpected(store.error());
    return std::make_pair(*role, *store);
  }
  if (who.admin_role != AdminRole::operator_) {
    return fail(Kind::forbidden, "only an operator grants the operator role", "operator_only");
  }
  if (named) return fail(Kind::invalid, "the operator role is of every store: no store_id", "invalid_store");
  return std::make_pair(*role, std::optional<std::string>{});
}

std::expected<AdminSession, ServiceError> Admins::login(const std::string& login_in, const std::string& password,
                                                        const std::string& address) {
  const std::string login = lower_trimmed(login_in);
  if (!looks_like_email(login)) return fail(Kind::invalid, "login must be the admin's email address");
  std::optional<std::pair<AdminAccount, std::string>> found;
  // The login names no store: its failures count under "*", as a member's
  // login without a store does.
  auto right = auth_.guess("*", "admin:" + login, address, [&] {
    auto row = admins_.admin_for_login(login);
    if (row) found = std::move(*row);
    // The same argon2 cost whether the account exists or not.
    if (!found) {
      (void)hasher_.verify(auth_.dummy_hash(), password);
      return false;
    }
    return hasher_.verify(found->second, password);
  });
  if (!right) return std::unexpected(right.error());
  if (!*right || !found) return fail(Kind::unauthenticated, kBadLogin, "bad_login");
  const AdminAccount& a = found->first;
  if (a.disabled_at) {
    return fail(Kind::forbidden, "this admin account is disabled; ask the store's owner", "account_disabled");
  }
  AdminSession s;
  s.token = tokens_.mint();
  s.expires_at = now() + options_.session_ttl.count();
  s.account = a;
  NewToken t{.digest = tokens_.digest(s.token),
             .role = Role::admin,
             .member_id = std::nullopt,
             .store_id = a.store_id,
             .expires_at = s.expires_at,
             .label = "login",
             .kind = TokenKind::session,
             .admin_id = a.id};
  if (auto id = credentials_.insert_token(t); !id) return unavailable(id.error());
  return s;
}

std::expected<void, ServiceError> Admins::change_own_password(const Principal& who, const std::string& current,
                                                              const std::string& fresh, const std::string& address) {
  if (who.kind != TokenKind::session || who.admin_id == 0) {
    return fail(Kind::forbidden, "only a person's login has a password to change", "not_a_person");
  }
  auto account = admins_.admin(who.admin_id);
  if (!account) return unavailable(account.error());
  if (!*account) return fail(Kind::unauthenticated, "this account no longer exists", "bad_token");
  auto right =
      auth_.guess((*account)->store_id.value_or("*"), "admin-password:" + std::to_string(who.admin_id), address, [&] {
        auto row = admins_.admin_for_login((*account)->login);
        return row && *row && hasher_.verify((*row)->second, current);
      });
  if (!right) return std::unexpected(right.error());
  if (!*right) return fail(Kind::forbidden, "current_password does not match", "wrong_current_password");
  auto hash = auth_.hash_password(fresh);
  if (!hash) return std::unexpected(hash.error());
  auto done = admins_.change_admin(who.admin_id, AdminChange{.password_hash = *hash}, who.token_id, nullptr);
  if (!done) return unavailable(done.error());
  return {};
}

std::expected<AdminAccount, ServiceError> Admins::add(const Principal& who, const AdminRequest& r,
                                                      const std::string& actor) {
  auto granted = grant(who, r.role, r.store_id);
  if (!granted) return std::unexpected(granted.error());
  NewAdmin a;
  a.role = granted->first;
  a.store_id = granted->second;
  a.login = lower_trimmed(r.login);
  if (!looks_like_email(a.login)) return fail(Kind::invalid, "login must be an email address", "invalid_login");
  a.name = r.name;
  if (a.name.empty() || a.name.size() > 200) return fail(Kind::invalid, "name must be 1-200 characters");
  if (r.points_limit) {
    if (a.role != AdminRole::staff) {
      return fail(Kind::invalid, "points_limit is for staff; owners and operators have none", "invalid_points_limit");
    }
    if (*r.points_limit < 0 || *r.points_limit > 1000000000) {
      return fail(Kind::invalid, "points_limit must be 0 to 1000000000", "invalid_points_limit");
    }
    a.points_limit = r.points_limit;
  }
  auto hash = auth_.hash_password(r.password);
  if (!hash) return std::unexpected(hash.error());
  a.password_hash = *hash;
  a.created_by = actor;
  auto id = admins_.insert_admin(a);
  if (!id) return unavailable(id.error());
  if (!*id) return fail(Kind::conflict, "an admin with this login exists already", "login_taken");
  auto made = admins_.admin(**id);
  if (!made) return unavailable(made.error());
  if (!*made) return fail(Kind::unavailable, "the new account is not readable yet; list the admins");
  return **made;
}

std::expected<std::vector<AdminAccount>, ServiceError> Admins::list(const Principal& who,
                                                                    const std::optional<std::string>& store_id) {
  if (!manages_admins(who)) return owner_only();
  auto store = store_of(who, store_id, false);
  if (!store) return std::unexpected(store.error());
  auto rows = admins_.admins(*store);
  if (!rows) return unavailable(rows.error());
  return std::move(*rows);
}

std::expected<AdminAccount, ServiceError> Admins::change(const Principal& who, long long id, const AdminPatch& p) {
  if (!manages_admins(who)) return owner_only();
  auto account = admins_.admin(id);
  if (!account) return unavailable(account.error());
  // Another store's account is as absent as a missing one.
  if (!*account || (!who.all_stores && (*account)->store_id != who.store_id)) {
    return fail(Kind::not_found, "no admin " + std::to_string(id) + " in this store");
  }
  if (p.password && (*account)->role != AdminRole::staff) {
    // An owner's or operator's password is changed by them, with the
    // current one (PATCH /v1/admin/me): set here, it would let a stolen
    // session keep the account for good, and an owner log in as a co-owner.
    return fail(Kind::forbidden,
                "only a staff account's password is set here; an owner or operator changes their own with "
                "PATCH /v1/admin/me",
                "not_staff");
  }
  AdminChange c;
  c.disabled = p.disabled;
  if (p.points_limit) {
    if ((*account)->role != AdminRole::staff) {
      return fail(Kind::invalid, "points_limit is for staff; owners and operators have none", "invalid_points_limit");
    }
    if (*p.points_limit && (**p.points_limit < 0 || **p.points_limit > 1000000000)) {
      return fail(Kind::invalid, "points_limit must be 0 to 1000000000, or null", "invalid_points_limit");
    }
    c.points_limit = p.points_limit;
  }
  if (p.password) {
    auto hash = auth_.hash_password(*p.password);
    if (!hash) return std::unexpected(hash.error());
    c.password_hash = *hash;
  }
  bool last_owner = false;
  auto done = admins_.change_admin(id, c, who.token_id, &last_owner);
  if (!done) return unavailable(done.error());
  if (last_owner) {
    return fail(Kind::conflict, "this is the store's last enabled owner: add another owner first", "last_owner");
  }
  if (!*done) return fail(Kind::not_found, "no admin " + std::to_string(id) + " in this store");
  auto changed = admins_.admin(id);
  if (!changed) return unavailable(changed.error());
  if (!*changed) return fail(Kind::not_found, "no admin " + std::to_string(id) + " in this store");
  return **changed;
}

std::expected<IssuedApiKey, ServiceError> Admins::create_key(const Principal& who, const ApiKeyRequest& r,
                                                             const std::string& actor) {
  auto granted = grant(who, r.role, r.store_id);
  if (!granted) return std::unexpected(granted.error());
  const auto [role, store] = *granted;
  if (r.name.empty() || r.name.size() > 100) return fail(Kind::invalid, "name must be 1-100 characters");
  if (r.days < 1 || r.days > options_.max_key_days) {
    return fail(Kind::invalid, "days must be 1 to " + std::to_string(options_.max_key_days), "invalid_days");
  }
  IssuedApiKey out;
  out.key = tokens_.mint();
  out.row.store_id = store;
  out.row.name = r.name;
  out.row.role = role;
  out.row.created_at = now();
  out.row.expires_at = out.row.created_at + static_cast<std::int64_t>(r.days) * 86400;
  out.row.created_by = actor;
  NewToken t{.digest = tokens_.digest(out.key),
             .role = Role::admin,
             .member_id = std::nullopt,
             .store_id = store,
             .expires_at = out.row.expires_at,
             .label = r.name,
             .kind = TokenKind::apikey,
             .admin_role = role,
             .created_by = actor};
  auto id = credentials_.insert_token(t);
  if (!id) return unavailable(id.error());
  out.row.id = *id;
  return out;
}

std::expected<std::vector<ApiKeyRow>, ServiceError> Admins::keys(const Principal& who,
                                                                 const std::optional<std::string>& store_id) {
  if (!manages_admins(who)) return owner_only();
  auto store = store_of(who, store_id, false);
  if (!store) return std::unexpected(store.error());
  auto rows = admins_.api_keys(*store, now());
  if (!rows) return unavailable(rows.error());
  return std::move(*rows);
}

std::expected<void, ServiceError> Admins::revoke_key(const Principal& who, long long id) {
  if (!manages_admins(who)) return owner_only();
  auto done = admins_.revoke_api_key(id, who.all_stores ? std::nullopt : std::optional<std::string>(who.store_id));
  if (!done) return unavailable(done.error());
  if (!*done) return fail(Kind::not_found, "no API key " + std::to_string(id) + " in this store");
  return {};
}

}  // namespace setia::core
