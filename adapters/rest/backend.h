#pragma once

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "core/ports/ops_status.h"
#include "core/services/admins.h"
#include "core/services/auth.h"
#include "core/services/consents.h"
#include "core/services/crm_reads.h"
#include "core/services/data_rights.h"
#include "core/services/dead_letters.h"
#include "core/services/points.h"
#include "core/services/profiles.h"
#include "core/services/promos.h"
#include "core/services/recovery.h"
#include "core/services/reports.h"
#include "core/services/reservations.h"
#include "core/services/rewards.h"
#include "core/services/rule_versions.h"

namespace setia::adapters::rest {

// The core services one worker thread uses, on that thread's own database
// session (a session is not thread-safe). The composition root builds them
// (adapters/daemon/rest_wiring.cpp); `owner` keeps the stores behind them
// alive.
struct Backend {
  core::Auth* auth = nullptr;
  core::Admins* admins = nullptr;
  core::Recovery* recovery = nullptr;
  core::Profiles* profiles = nullptr;
  core::CrmReads* reads = nullptr;
  core::Reports* reports = nullptr;
  core::DeadLetters* dead_letters = nullptr;
  core::PointsLedger* points = nullptr;
  core::Rewards* rewards = nullptr;
  core::Promos* promos = nullptr;
  core::Reservations* reservations = nullptr;
  core::OpsStatus* ops = nullptr;  // operations: ping, backlog
  core::Consents* consents = nullptr;       // marketing consent
  core::DataRights* data_rights = nullptr;  // export, erasure
  core::RuleVersions* rule_versions = nullptr;  // the console's rule editing
  std::shared_ptr<void> owner;
};

using BackendFactory = std::function<std::unique_ptr<Backend>()>;

// A fixed set of Backends lent to requests: as many as worker threads, so
// that a request never waits for one. Created on first use.
class BackendPool {
 public:
  BackendPool(BackendFactory factory, std::size_t size) : factory_(std::move(factory)), size_(size) {}

  class Lease {
   public:
    Lease(BackendPool& pool, std::unique_ptr<Backend> b) : pool_(&pool), backend_(std::move(b)) {}
    Lease(Lease&& o) noexcept : pool_(o.pool_), backend_(std::move(o.backend_)) {}
    Lease(const Lease&) = delete;
    ~Lease() {
      if (backend_) pool_->give_back(std::move(backend_));
    }
    Backend& operator*() const { return *backend_; }
    Backend* operator->() const { return backend_.get(); }

   private:
    BackendPool* pool_;
    std::unique_ptr<Backend> backend_;
  };

  Lease acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty() || made_ < size_; });
    if (!free_.empty()) {
      auto b = std::move(free_.back());
      free_.pop_back();
      return Lease(*this, std::move(b));
    }
    ++made_;
    lock.unlock();
    return Lease(*this, factory_());
  }

 private:
  void give_back(std::unique_ptr<Backend> b) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(std::move(b));
    }
    cv_.notify_one();
  }

  BackendFactory factory_;
  std::size_t size_;
  std::size_t made_ = 0;
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::unique_ptr<Backend>> free_;
};

}  // namespace setia::adapters::rest
