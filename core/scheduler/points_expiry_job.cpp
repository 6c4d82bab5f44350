#include "core/scheduler/points_expiry_job.h"

#include <string>

#include "core/services/points.h"

namespace setia::core {

Job points_expiry_job(PointsStore& store, std::chrono::seconds every) {
  return Job{.name = kPointsExpiryJob,
             .every = every,
             .run = [&store](std::chrono::system_clock::time_point now) -> std::expected<std::string, std::string> {
               auto r = expire_points(store, now);
               if (!r) return std::unexpected(r.error().message);
               return "expired " + std::to_string(r->points) + " points in " + std::to_string(r->lots) + " lot(s)";
             }};
}

}  // namespace setia::core
