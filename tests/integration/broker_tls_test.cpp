// setiad to a remote broker over TLS (issue 13 point 7): a Mosquitto TLS
// listener with a certificate of a CA the test makes (openssl), client
// certificates required and their names taken as usernames. setiad's two
// connections (paho for the sales, libmosquitto for the answers) and the
// POS library each verify the broker against mqtt.tls.ca_file and present
// mqtt.tls.cert_file / key_file.
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include "adapters/pos/pos_client.h"
#include "harness.h"

namespace setia::it {
namespace {

using nlohmann::json;

// A CA, and certificates it signs, in a temp dir (EC P-256: quick to make).
class TestCa {
 public:
  explicit TestCa(const TempDir& dir, const std::string& name) : dir_(dir.path().string()), name_(name) {
    openssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2",
             "-subj", "/CN=" + name + " test CA", "-keyout", path(name + "-ca.key"), "-out", ca_file()});
  }
  std::string ca_file() const { return path(name_ + "-ca.crt"); }
  // Writes NAME.crt and NAME.key, signed by this CA, with the given
  // subjectAltName (e.g. "IP:127.0.0.1,DNS:localhost").
  void issue(const std::string& name, const std::string& san) const {
    openssl({"req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-subj", "/CN=" + name,
             "-keyout", path(name + ".key"), "-out", path(name + ".csr")});
    TempDir ext;
    ext.write("ext", "subjectAltName=" + san + "\n");
    openssl({"x509", "-req", "-in", path(name + ".csr"), "-CA", ca_file(), "-CAkey", path(name_ + "-ca.key"),
             "-CAcreateserial", "-days", "2", "-extfile", (ext.path() / "ext").string(), "-out", path(name + ".crt")});
  }
  std::string path(const std::string& file) const { return dir_ + "/" + file; }

 private:
  static void openssl(std::vector<std::string> args) {
    args.insert(args.begin(), "/usr/bin/openssl");
    auto r = run(args);
    if (r.exit_code != 0) throw std::runtime_error("openssl " + args[1] + ": " + r.err);
  }
  std::string dir_, name_;
};

class BrokerTls : public ::testing::Test {
 protected:
  void SetUp() override {
    ca_.issue("broker", "IP:127.0.0.1,DNS:localhost");
    ca_.issue("setiad", "DNS:setiad");
    ca_.issue(store_ + ".1", "DNS:" + store_ + ".1");
    port_ = free_loopback_port();
    const auto dir = dir_.path().string();
    std::string conf = "listener " + std::to_string(port_) + " 127.0.0.1\ncafile " + ca_.ca_file() + "\ncertfile " +
                       ca_.path("broker.crt") + "\nkeyfile " + ca_.path("broker.key") +
                       "\ntls_version tlsv1.2\nrequire_certificate true\nuse_identity_as_username true\n"
                       "allow_anonymous false\npersistence false\nlog_dest file " +
                       dir + "/mosquitto.log\nconnection_messages true\n";
    if (::geteuid() == 0) conf += "user root\n";
    dir_.write("mosquitto.conf", conf);
    broker_pid_ = spawn({"/usr/sbin/mosquitto", "-c", dir + "/mosquitto.conf"}, dir + "/mosquitto.out",
                        dir + "/mosquitto.out", {});
    for (int i = 0; i < 100 && !accepts_on_loopback(port_); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ASSERT_TRUE(accepts_on_loopback(port_)) << read_file(dir_.path() / "mosquitto.out");
  }
  void TearDown() override {
    if (broker_pid_ > 0) {
      ::kill(broker_pid_, SIGTERM);
      wait_pid(broker_pid_);
    }
  }
  std::string uri() const { return "ssl://127.0.0.1:" + std::to_string(port_); }
  std::string broker_log() const { return read_file(dir_.path() / "mosquitto.log"); }

  // A POS with the given CA and client certificate (empty: none).
  adapters::pos::PosOptions pos_options(const Daemon& d, const std::string& ca, const std::string& cert) const {
    adapters::pos::PosOptions o;
    o.mqtt = d.mqtt_config(cert.empty() ? unique("pos") : cert);
    o.mqtt.tls.ca_file = ca;
    if (!cert.empty()) {
      o.mqtt.tls.cert_file = ca_.path(cert + ".crt");
      o.mqtt.tls.key_file = ca_.path(cert + ".key");
    }
    return o;
  }

  TempDir dir_;
  TestCa ca_{dir_, "setia"};
  std::string store_ = unique("tls");
  int port_ = 0;
  int broker_pid_ = -1;
};

TEST_F(BrokerTls, SetiadTakesSalesAndAnswersOverTlsWithAClientCertificate) {
  // The config's mqtt.tls keys, as an operator writes them.
  Daemon d({.client_id = "setiad",
            .mqtt_uri = uri(),
            .mqtt_extra = "  tls:\n    ca_file: " + ca_.ca_file() + "\n    cert_file: " + ca_.path("setiad.crt") +
                          "\n    key_file: " + ca_.path("setiad.key") + "\n"});
  migrate(d);
  d.start();
  // Both of setiad's connections came in over TLS under its certificate's name.
  auto log = broker_log();
  EXPECT_NE(log.find("as setiad (p5, c0"), std::string::npos) << log;
  EXPECT_NE(log.find("as setiad-answers (p5"), std::string::npos) << log;
  EXPECT_NE(log.find("u'setiad'"), std::string::npos) << log;

  adapters::pos::PosClient pos(pos_options(d, ca_.ca_file(), store_ + ".1"));
  auto connected = pos.connect();
  ASSERT_TRUE(connected.has_value()) << (connected ? "" : connected.error()) << broker_log();
  json result;
  auto id = unique("tls-sale");
  auto s = sale(store_, id, "R-" + id, 2, 26000);
  pos.send({{store_, s["event_id"], "sale", s.dump()}},
           [&](const adapters::pos::PosResult& r) { result = json::parse(r.result_json); });
  EXPECT_EQ(result["status"], "applied") << result << d.log();
  auto sql = db();
  EXPECT_EQ(scalar(*sql, "SELECT count(*) FROM sales WHERE store_id = '" + store_ + "'"), 1);
}

TEST_F(BrokerTls, ABrokerOfAnotherCaOrAPosWithoutACertificateIsRefused) {
  Daemon d({.mqtt_uri = uri()});
  // Verification is on: a CA that did not sign the broker's certificate.
  TempDir other_dir;
  TestCa other(other_dir, "other");
  other.issue("intruder", "DNS:intruder");
  {
    adapters::pos::PosClient pos(pos_options(d, other.ca_file(), store_ + ".1"));
    EXPECT_FALSE(pos.connect().has_value());
  }
  // The broker asks for a client certificate: a POS without one is refused.
  {
    adapters::pos::PosClient pos(pos_options(d, ca_.ca_file(), ""));
    EXPECT_FALSE(pos.connect().has_value());
  }
  // A client certificate of another CA is refused too.
  {
    auto o = pos_options(d, ca_.ca_file(), "");
    o.mqtt.tls.cert_file = other.path("intruder.crt");
    o.mqtt.tls.key_file = other.path("intruder.key");
    adapters::pos::PosClient pos(o);
    EXPECT_FALSE(pos.connect().has_value());
  }
  // And the right one is taken (the refusals above were not of the setup).
  adapters::pos::PosClient pos(pos_options(d, ca_.ca_file(), store_ + ".1"));
  auto ok = pos.connect();
  EXPECT_TRUE(ok.has_value()) << (ok ? "" : ok.error()) << broker_log();
}

}  // namespace
}  // namespace setia::it
