#pragma once

#include <chrono>
#include <string>

namespace setia::adapters::fcm {

// What the FCM adapter needs to know, with FCM's defaults (their one home:
// the config's fcm section and outbox.timeout_ms take theirs from here);
// adapters/daemon fills it from the config (FcmConfig), the tests point it
// at a fake.
struct FcmOptions {
  std::string project_id;            // the Firebase project the app's tokens belong to
  std::string service_account_file;  // JSON key of a service account with the FCM sender role
  std::string endpoint = "https://fcm.googleapis.com";
  // Where the signed assertion is exchanged for an access token (and its
  // `aud`). Empty: the service account file's token_uri.
  std::string token_uri = "https://oauth2.googleapis.com/token";
  // A CA certificate (PEM) to trust besides the system's: libcurl uses it in
  // place of the default bundle but still reads the system's CA directory
  // (/etc/ssl/certs in Debian's build), so Google stays trusted.
  std::string ca_file;
  std::chrono::milliseconds connect_timeout{5000};
  // One HTTP exchange, start to end. A send that hangs longer is a retry.
  // (The daemon's outbox.timeout_ms takes its default from here.)
  std::chrono::milliseconds request_timeout{10000};
};

}  // namespace setia::adapters::fcm
