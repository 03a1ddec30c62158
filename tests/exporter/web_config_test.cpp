// --web.config.file (the exporter-toolkit format): the file is read through the command-line parser and served by
// the same Exporter that main() runs, in-process on 127.0.0.1:0, so that AddressSanitizer sees all of it.
#include <crypt.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "config.hpp"
#include "exporter.hpp"
#include "http_client.hpp"
#include "paths.hpp"
#include "process.hpp"

using namespace openclaw::exporter;
using namespace std::chrono_literals;
using openclaw::testing::http_request;
using openclaw::testing::HttpResponse;
using openclaw::testing::TempDir;

namespace {

constexpr const char* kMetric = "openclaw_exporter_build_info";

// A bcrypt hash made now by the libcrypt the exporter verifies with. Cost 4, the lowest: bcrypt is slow on purpose.
std::string bcrypt_hash(const std::string& password) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  if (crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt) == nullptr) {
    throw std::runtime_error("libcrypt cannot make a bcrypt salt");
  }
  crypt_data data{};
  const char* hash = crypt_r(password.c_str(), salt, &data);
  if (hash == nullptr || hash[0] == '*') throw std::runtime_error("libcrypt cannot make a bcrypt hash");
  return hash;
}

std::string basic_auth(const std::string& user, const std::string& password) {
  const std::string plain = user + ":" + password;
  std::string encoded(4 * ((plain.size() + 2) / 3) + 1, '\0');
  const int size =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(encoded.data()),
                      reinterpret_cast<const unsigned char*>(plain.data()), static_cast<int>(plain.size()));
  encoded.resize(static_cast<std::size_t>(size));
  return "Authorization: Basic " + encoded;
}

std::size_t append_body(char* data, std::size_t size, std::size_t count, void* body) {
  static_cast<std::string*>(body)->append(data, size * count);
  return size * count;
}

// GET over HTTPS, verifying the certificate chain and host name against `ca_file` (the system's CAs when empty).
// tests/lib's http_request cannot name a CA file.
HttpResponse https_get(const std::string& url, const std::string& ca_file) {
  HttpResponse response;
  const std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  if (!curl) throw std::runtime_error("curl_easy_init failed");
  char error[CURL_ERROR_SIZE] = {};
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl.get(), CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT_MS, 10000L);
  curl_easy_setopt(curl.get(), CURLOPT_ERRORBUFFER, error);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, append_body);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &response.body);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl.get(), CURLOPT_SSL_VERIFYHOST, 2L);
  if (!ca_file.empty()) curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca_file.c_str());
  if (curl_easy_perform(curl.get()) == CURLE_OK) {
    curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &response.status);
  } else {
    response.error = error;
  }
  return response;
}

// A web config in a file, the command line of the exporter naming it, and the exporter that main() would run.
class WebConfigTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { curl_global_init(CURL_GLOBAL_DEFAULT); }  // as main() does before the Exporter

  std::string web_config_file() const { return dir_.file("web.yml"); }

  // Writes `yaml` to web.yml and parses a command line naming it, as main() does.
  ExporterConfig config_with(const std::string& yaml) const {
    openclaw::testing::write_file(web_config_file(), yaml);
    const std::vector<std::string> args = {
        "openclaw-gateway-exporter", "--web.listen-address=127.0.0.1:0", "--web.config.file=" + web_config_file(),
        "--gateway.pid-file=" + dir_.file("no-gateway.pid"), "--gateway.url=http://127.0.0.1:1"};
    std::vector<const char*> argv;
    for (const auto& arg : args) argv.push_back(arg.c_str());
    return parse_exporter_args(static_cast<int>(argv.size()), argv.data()).config;
  }

  std::string error_with(const std::string& yaml) const {
    try {
      config_with(yaml);
    } catch (const ConfigError& e) {
      return e.what();
    }
    return "no error";
  }

  void start(const std::string& yaml) {
    exporter_ = std::make_unique<Exporter>(config_with(yaml));
    port_ = exporter_->listening_ports().at(0);
  }

  std::string url(const std::string& scheme, const std::string& path) const {
    return scheme + "://127.0.0.1:" + std::to_string(port_) + path;
  }

  TempDir dir_{"web-config-test-"};
  std::unique_ptr<Exporter> exporter_;  // after dir_: stops before its files go
  int port_ = 0;
};

TEST_F(WebConfigTest, IsReadFromTheFileTheFlagNames) {
  const std::string hash = bcrypt_hash("s3cret");
  const ExporterConfig config = config_with(
      "tls_server_config:\n  cert_file: /etc/x/cert.pem\n  key_file: /etc/x/key.pem\n"
      "basic_auth_users:\n  prometheus: " +
      hash + "\n");
  EXPECT_EQ(config.web_config_file, web_config_file());
  EXPECT_EQ(config.web.tls_cert_file, "/etc/x/cert.pem");
  EXPECT_EQ(config.web.tls_key_file, "/etc/x/key.pem");
  EXPECT_EQ(config.web.basic_auth_users, (std::map<std::string, std::string>{{"prometheus", hash}}));

  const ExporterConfig empty = config_with("");  // valid: neither TLS nor auth
  EXPECT_TRUE(empty.web.tls_cert_file.empty());
  EXPECT_TRUE(empty.web.basic_auth_users.empty());
}

TEST_F(WebConfigTest, ABadKeyOrValueIsAnErrorNamingTheFileAndTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"http_server_config:\n  http2: true\n", "unknown key \"http_server_config\""},
      {"tls_server_config:\n  cert_file: c.pem\n  key_file: k.pem\n  client_ca_file: ca.pem\n",
       "tls_server_config: unknown key \"client_ca_file\""},
      {"tls_server_config:\n  cert_file: c.pem\n", "tls_server_config: expected both cert_file and key_file"},
      {"basic_auth_users:\n  prometheus: s3cret\n", "basic_auth_users.prometheus: expected a bcrypt hash"},
      {"basic_auth_users:\n  - prometheus\n", "basic_auth_users: expected a mapping"},
  };
  for (const auto& [yaml, expected] : cases) {
    const std::string error = error_with(yaml);
    EXPECT_NE(error.find(web_config_file() + ": "), std::string::npos) << yaml << "-> " << error;
    EXPECT_NE(error.find(expected), std::string::npos) << yaml << "-> " << error;
  }
}

TEST_F(WebConfigTest, AMissingFileIsAnErrorNamingTheFlagAndTheFile) {
  const std::vector<std::string> args = {"openclaw-gateway-exporter", "--web.config.file=" + dir_.file("none.yml")};
  const std::vector<const char*> argv = {args[0].c_str(), args[1].c_str()};
  try {
    parse_exporter_args(2, argv.data());
    FAIL() << "no error";
  } catch (const ConfigError& e) {
    EXPECT_NE(std::string(e.what()).find("--web.config.file"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find(dir_.file("none.yml")), std::string::npos) << e.what();
  }
}

// Two users, as an exporter-toolkit web config lists them.
class BasicAuthTest : public WebConfigTest {
 protected:
  void SetUp() override {
    start("basic_auth_users:\n  prometheus: " + bcrypt_hash("s3cret") + "\n  grafana: " + bcrypt_hash("other") + "\n");
  }

  HttpResponse get_metrics(std::vector<std::string> headers) const {
    return http_request("GET", url("http", "/metrics"), {}, std::move(headers));
  }
};

TEST_F(BasicAuthTest, TheRightUserAndPasswordGetTheMetrics) {
  const HttpResponse response = get_metrics({basic_auth("prometheus", "s3cret")});
  EXPECT_EQ(response.status, 200) << response.error;
  EXPECT_NE(response.body.find(kMetric), std::string::npos) << response.body;
}

TEST_F(BasicAuthTest, AnythingElseGets401WithAChallengeAndNoMetrics) {
  const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
      {"no credentials", {}},
      {"a wrong password", {basic_auth("prometheus", "wrong")}},
      {"another user's password", {basic_auth("grafana", "s3cret")}},
      {"an unknown user", {basic_auth("nobody", "s3cret")}},
      {"an empty password", {basic_auth("prometheus", "")}},
      {"not base64", {"Authorization: Basic !!!!"}},
      {"another scheme", {"Authorization: Bearer s3cret"}},
  };
  for (const auto& [what, headers] : cases) {
    HttpResponse response = get_metrics(headers);
    EXPECT_EQ(response.status, 401) << what << ": " << response.error;
    EXPECT_EQ(response.headers["www-authenticate"], "Basic realm=\"openclaw-gateway-exporter\"") << what;
    EXPECT_EQ(response.body.find(kMetric), std::string::npos) << what << ": " << response.body;
  }
  // Every path is behind the same door, the landing page too.
  EXPECT_EQ(openclaw::testing::http_get(url("http", "/")).status, 401);
}

// A verified header is remembered (by its digest) so bcrypt does not run on every scrape. What is remembered must
// be exactly that header: not the user, not the password.
TEST_F(BasicAuthTest, ARememberedLoginStillWorksAndLetsNothingElseIn) {
  for (int i = 0; i < 3; ++i) EXPECT_EQ(get_metrics({basic_auth("prometheus", "s3cret")}).status, 200) << i;
  EXPECT_EQ(get_metrics({basic_auth("prometheus", "wrong")}).status, 401);
  EXPECT_EQ(get_metrics({basic_auth("prometheus", "s3cret ")}).status, 401);
  EXPECT_EQ(get_metrics({basic_auth("grafana", "s3cret")}).status, 401);
  EXPECT_EQ(get_metrics({basic_auth("nobody", "s3cret")}).status, 401);
  EXPECT_EQ(get_metrics({}).status, 401);
  EXPECT_EQ(get_metrics({basic_auth("grafana", "other")}).status, 200);
  EXPECT_EQ(get_metrics({basic_auth("prometheus", "s3cret")}).status, 200);
}

TEST_F(WebConfigTest, TlsFromTheWebConfigServesVerifiedHttpsAndNothingOverPlainHttp) {
  const std::string cert = dir_.file("cert.pem");
  const std::string key = dir_.file("key.pem");
  const auto made = openclaw::testing::run_command({"openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                                                    "/CN=127.0.0.1", "-days", "1", "-keyout", key, "-out", cert});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  start("tls_server_config:\n  cert_file: " + cert + "\n  key_file: " + key + "\n");

  const HttpResponse https = https_get(url("https", "/metrics"), cert);
  EXPECT_EQ(https.status, 200) << https.error;
  EXPECT_NE(https.body.find(kMetric), std::string::npos) << https.body;
  // The check above verified: the system's CAs do not vouch for this certificate.
  const HttpResponse unknown_ca = https_get(url("https", "/metrics"), "");
  EXPECT_EQ(unknown_ca.status, 0);
  EXPECT_NE(unknown_ca.error, "");

  const HttpResponse plain = openclaw::testing::http_get(url("http", "/metrics"), 5s);
  EXPECT_NE(plain.status, 200);
  EXPECT_EQ(plain.body.find(kMetric), std::string::npos) << plain.body;
}

}  // namespace
