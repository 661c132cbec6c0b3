// The show folder's XML files from any bytes (the first byte says which:
// show.xml, an episode's sidecar, subscribers.xml, staff.xml). Each is
// refused with a message, or loaded; then what crosstalk writes back loads
// again to the same file, and the feeds, page and chapters rendered from it
// are well-formed (pugixml, nlohmann::json).
#include <nlohmann/json.hpp>
#include <pugixml.hpp>

#include "crosstalk/feed/render.hpp"
#include "crosstalk/feed/show.hpp"
#include "fuzz_support.hpp"

using namespace crosstalk;
namespace fs = boost::filesystem;

namespace {

// Loads `text` as `file`; what loaded is saved, loaded again and saved:
// the same bytes. A refusal must say why.
template <class Load, class Save>
auto load_and_round_trip(const fs::path& file, std::string_view text, Load load, Save save) {
  fuzz::write_bytes(file, text);
  auto loaded = load(file);
  if (!loaded) {
    if (loaded.error().message.empty()) fuzz::fail("a refusal without a message");
    return loaded;
  }
  const std::string saved = save(*loaded);
  fuzz::write_bytes(file, saved);
  auto again = load(file);
  if (!again) {
    std::fprintf(stderr, "%s\n", again.error().message.c_str());
    fuzz::fail("what crosstalk saved does not load again");
  }
  if (save(*again) != saved) fuzz::fail("saving what was loaded from a saved file changes it");
  return loaded;
}

void well_formed(const std::string& xml, const char* what) {
  pugi::xml_document doc;
  if (!doc.load_buffer(xml.data(), xml.size(), pugi::parse_default, pugi::encoding_utf8)) fuzz::fail(what);
}

void rendered(const feed::Show& show, const std::vector<feed::Episode>& published) {
  for (auto rendition : {feed::Rendition::Opus, feed::Rendition::Mp3}) {
    well_formed(feed::render_feed(show, published, "", {"cover.jpg"}, rendition), "a feed is not well-formed");
    for (const auto& d : show.rotation)
      well_formed(feed::render_feed(show, published, d.id, {}, rendition), "a department's feed is not well-formed");
  }
  (void)feed::render_page(show, published, {"cover.jpg"});
  (void)feed::render_subscribe(show, show.base_url + "s/0123456789abcdef0123456789abcdef/");
  for (const auto& e : published)
    if (!nlohmann::json::accept(feed::render_chapters(e))) fuzz::fail("chapters JSON does not parse");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text = fuzz::as_text(data + 1, size - 1);
  const fs::path& dir = fuzz::work_dir();
  switch (data[0] % 4) {
    case 0:
      if (auto show = load_and_round_trip(dir / "show.xml", text, feed::load_show, feed::show_to_xml))
        rendered(*show, {});
      break;
    case 1:
      if (auto episode = load_and_round_trip(dir / "0001-marketing.xml", text, feed::load_episode,
                                             feed::episode_to_xml)) {
        // In a show of its department, published.
        feed::Show show = feed::make_show("Голос & <врага>", "http://podcast.intranet/", "ru");
        if (!show.department(episode->department)) show.rotation.push_back({episode->department, "Отдел", ""});
        feed::Episode e = *episode;
        e.state = feed::State::Published;
        if (!e.published_at) e.published_at = e.recorded_at;
        rendered(show, {e});
      }
      break;
    case 2:
      (void)load_and_round_trip(dir / "subscribers.xml", text, feed::load_subscribers, feed::subscribers_to_xml);
      break;
    default:
      (void)load_and_round_trip(dir / "staff.xml", text, feed::load_staff, feed::staff_to_xml);
      break;
  }
  return 0;
}
