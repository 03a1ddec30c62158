#include "credentials.hpp"

#include <crypt.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

using namespace openclaw;

TEST(Credentials, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secreT"));
  EXPECT_FALSE(constant_time_equals("secret", "secret2"));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_TRUE(constant_time_equals("", ""));
}

TEST(Credentials, ParsesBearerTheWayAlertmanagerSendsIt) {
  EXPECT_EQ(parse_bearer_authorization("Bearer abc.def"), "abc.def");
  EXPECT_EQ(parse_bearer_authorization("bearer abc"), "abc");
  EXPECT_FALSE(parse_bearer_authorization("Bearer ").has_value());
  EXPECT_FALSE(parse_bearer_authorization("Basic abc").has_value());
  EXPECT_FALSE(parse_bearer_authorization("").has_value());
}

TEST(Credentials, ParsesBasicAuth) {
  // base64("alertmanager:pa:ss") — a colon in the password belongs to the password.
  const auto parsed = parse_basic_authorization("Basic YWxlcnRtYW5hZ2VyOnBhOnNz");
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->first, "alertmanager");
  EXPECT_EQ(parsed->second, "pa:ss");
  EXPECT_FALSE(parse_basic_authorization("Basic !!!!").has_value());
  EXPECT_FALSE(parse_basic_authorization("Basic bm9jb2xvbg==").has_value());  // "nocolon"
  EXPECT_FALSE(parse_basic_authorization("Bearer YWxlcnQ6eA==").has_value());
}

TEST(Credentials, ReadsSecretFilesDroppingOneNewline) {
  const auto path = std::filesystem::temp_directory_path() / "openclaw-secret-test";
  {
    std::ofstream(path) << "s3cret\n";
  }
  EXPECT_EQ(read_secret_file(path.string()), "s3cret");
  {
    std::ofstream(path) << "\n";
  }
  EXPECT_THROW(read_secret_file(path.string()), std::runtime_error);
  std::filesystem::remove(path);
  EXPECT_THROW(read_secret_file(path.string()), std::runtime_error);
}

TEST(Credentials, MatchesBcryptHashes) {
  char salt[CRYPT_GENSALT_OUTPUT_SIZE];
  ASSERT_NE(crypt_gensalt_rn("$2b$", 4, nullptr, 0, salt, sizeof salt), nullptr);
  crypt_data data{};
  const std::string hash = crypt_r("hunter2", salt, &data);
  EXPECT_TRUE(bcrypt_matches("hunter2", hash));
  EXPECT_FALSE(bcrypt_matches("hunter3", hash));
  EXPECT_FALSE(bcrypt_matches("hunter2", "plaintext"));
}
