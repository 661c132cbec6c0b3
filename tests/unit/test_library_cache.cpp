// load_library's cache of parsed sidecars: a file changed in any way is
// parsed again, a file gone is gone.
#include <gtest/gtest.h>

#include <boost/filesystem/operations.hpp>
#include <fstream>
#include <sstream>

#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "temp_dir.hpp"

using namespace crosstalk;
using namespace crosstalk::publisher;
namespace fs = boost::filesystem;

TEST(LibraryCache, AnEditInPlaceARenameAndADeletionAreSeen) {
  test::TempDir dir;
  InitOptions o;
  o.title = "Шоу";
  o.base_url = "http://127.0.0.1:8080/";
  auto folder = init_show(dir / "show", o);
  ASSERT_TRUE(folder) << folder.error().message;
  feed::Episode e;
  e.number = 1;
  e.department = "marketing";
  e.title = "Один";
  e.guid = "g1";
  ASSERT_TRUE(save_episode(*folder, e));
  auto first = load_library(*folder);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->size(), 1u);
  EXPECT_EQ((*first)[0].title, "Один");

  // Edited in place by hand (same inode, another size).
  const fs::path sidecar = folder->sidecar(e);
  std::stringstream text;
  text << std::ifstream(sidecar.string()).rdbuf();
  std::string xml = text.str();
  xml.replace(xml.find("Один"), std::string("Один").size(), "Второй & <b>");
  xml.replace(xml.find("Второй & <b>"), std::string("Второй & <b>").size(), "Второй &amp; &lt;b&gt;");
  std::ofstream(sidecar.string(), std::ios::trunc) << xml;
  auto second = load_library(*folder);
  ASSERT_TRUE(second);
  EXPECT_EQ((*second)[0].title, "Второй & <b>");

  // Saved again (an atomic rename), then a second episode; then deleted.
  e.title = "Третий";
  ASSERT_TRUE(save_episode(*folder, e));
  feed::Episode two = e;
  two.number = 2;
  two.department = "sales";
  two.guid = "g2";
  ASSERT_TRUE(save_episode(*folder, two));
  auto third = load_library(*folder);
  ASSERT_TRUE(third);
  ASSERT_EQ(third->size(), 2u);
  EXPECT_EQ((*third)[0].title, "Третий");
  fs::remove(folder->sidecar(two));
  auto fourth = load_library(*folder);
  ASSERT_TRUE(fourth);
  EXPECT_EQ(fourth->size(), 1u);
}
