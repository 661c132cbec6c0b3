// Test helper: a new private show folder (init_show), for the tests of
// private feeds and of listening figures.
#pragma once

#include <gtest/gtest.h>

#include <string>

#include "crosstalk/publisher/workflow.hpp"

namespace crosstalk::test {

inline void init_private_show(const boost::filesystem::path& dir, const std::string& title,
                              const std::string& timezone, publisher::ShowFolder& folder) {
  publisher::InitOptions o;
  o.title = title;
  o.base_url = "http://podcast.intranet/";
  o.private_feeds = true;
  o.timezone = timezone;
  auto f = publisher::init_show(dir, o);
  ASSERT_TRUE(f) << f.error().message;
  folder = *f;
}

}  // namespace crosstalk::test
