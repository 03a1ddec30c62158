// soak_client: sends exactly TOTAL requests to one URL over CONNECTIONS keep-alive connections (one thread and one
// reused libcurl handle each) and fails unless every answer has the expected status. The load side of
// bench/soak/soak.sh and of the ctest entry soak.short (a scraper like Prometheus, or Alertmanager posting webhooks).
//
//   soak_client URL TOTAL [--connections N] [--header "Name: value"]... [--body-file FILE] [--expect STATUS] [--gzip]
//
// With --body-file the requests are POSTs of the file's contents. Prints one line: requests, failures, seconds, rate.
#include <curl/curl.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace {

struct SoakOptions {
  std::string url;
  long total = 0;
  int connections = 4;
  std::vector<std::string> headers;
  std::string body;
  bool post = false;
  long expect = 200;
  bool gzip = false;
};

[[noreturn]] void usage(const char* why) {
  std::fprintf(stderr,
               "soak_client: %s\nusage: soak_client URL TOTAL [--connections N] [--header H]... [--body-file FILE] "
               "[--expect STATUS] [--gzip]\n",
               why);
  std::exit(2);
}

SoakOptions parse_soak_options(int argc, char** argv) {
  if (argc < 3) usage("missing URL or TOTAL");
  SoakOptions options;
  options.url = argv[1];
  options.total = std::atol(argv[2]);
  if (options.total <= 0) usage("TOTAL must be positive");
  for (int i = 3; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) usage(("missing value after " + arg).c_str());
      return argv[++i];
    };
    if (arg == "--connections") {
      options.connections = std::atoi(value().c_str());
      if (options.connections < 1) usage("--connections must be at least 1");
    } else if (arg == "--header") {
      options.headers.push_back(value());
    } else if (arg == "--body-file") {
      const std::string path = value();
      std::ifstream file(path, std::ios::binary);
      if (!file) usage(("cannot read " + path).c_str());
      std::ostringstream text;
      text << file.rdbuf();
      options.body = text.str();
      options.post = true;
    } else if (arg == "--expect") {
      options.expect = std::atol(value().c_str());
    } else if (arg == "--gzip") {
      options.gzip = true;
    } else {
      usage(("unknown argument " + arg).c_str());
    }
  }
  return options;
}

std::size_t discard_body(char* /*data*/, std::size_t size, std::size_t count, void* /*user*/) { return size * count; }

struct SoakTally {
  std::atomic<long> next{0};
  std::atomic<long> failures{0};
  std::mutex first_error_mutex;
  std::string first_error;

  void fail(const std::string& why) {
    failures.fetch_add(1);
    const std::lock_guard lock(first_error_mutex);
    if (first_error.empty()) first_error = why;
  }
};

void run_connection(const SoakOptions& options, SoakTally& tally) {
  CURL* handle = curl_easy_init();
  if (handle == nullptr) {
    tally.fail("curl_easy_init failed");
    return;
  }
  curl_slist* headers = nullptr;
  for (const std::string& header : options.headers) headers = curl_slist_append(headers, header.c_str());
  curl_easy_setopt(handle, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(handle, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(handle, CURLOPT_PROXY, "");
  curl_easy_setopt(handle, CURLOPT_TIMEOUT_MS, 30000L);
  curl_easy_setopt(handle, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(handle, CURLOPT_WRITEFUNCTION, discard_body);
  if (options.gzip) curl_easy_setopt(handle, CURLOPT_ACCEPT_ENCODING, "gzip");
  if (options.post) {
    curl_easy_setopt(handle, CURLOPT_POSTFIELDS, options.body.data());
    curl_easy_setopt(handle, CURLOPT_POSTFIELDSIZE, static_cast<long>(options.body.size()));
  }
  while (tally.next.fetch_add(1) < options.total) {
    const CURLcode code = curl_easy_perform(handle);
    long status = 0;
    curl_easy_getinfo(handle, CURLINFO_RESPONSE_CODE, &status);
    if (code != CURLE_OK) {
      tally.fail(curl_easy_strerror(code));
    } else if (status != options.expect) {
      tally.fail("status " + std::to_string(status));
    }
  }
  curl_slist_free_all(headers);
  curl_easy_cleanup(handle);
}

}  // namespace

int main(int argc, char** argv) {
  const SoakOptions options = parse_soak_options(argc, argv);
  curl_global_init(CURL_GLOBAL_DEFAULT);
  SoakTally tally;
  const auto started = std::chrono::steady_clock::now();
  {
    std::vector<std::jthread> connections;
    for (int i = 0; i < options.connections; ++i) {
      connections.emplace_back([&] { run_connection(options, tally); });
    }
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf("requests %ld failures %ld seconds %.1f rate %.0f/s%s%s\n", options.total, tally.failures.load(), seconds,
              static_cast<double>(options.total) / seconds,
              tally.first_error.empty() ? "" : " first error: ", tally.first_error.c_str());
  curl_global_cleanup();
  return tally.failures.load() == 0 ? 0 : 1;
}
