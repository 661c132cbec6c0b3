// The HTTP request path of `crosstalk serve` from any bytes: Beast's parser
// with serve's limits, then server::answer() (target resolution, the
// private-show gate and nginx's check, conditional headers, ranges) on two
// show folders, an open one and a private one (the first byte says which).
// Nothing outside public/ is ever served, a private show serves nothing
// without a subscriber's token, and a body stays within its file.
#include <boost/asio/buffer.hpp>
#include <boost/beast/http/parser.hpp>

#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"
#include "crosstalk/server/access_gate.hpp"
#include "crosstalk/server/answer.hpp"
#include "crosstalk/server/static_files.hpp"
#include "crosstalk/util/token.hpp"
#include "fuzz_support.hpp"

using namespace crosstalk;
namespace fs = boost::filesystem;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kToken = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
constexpr std::string_view kSecret = "SECRET: outside public/";

struct Site {
  publisher::ShowFolder folder;
  server::AccessGate gate;
};

// show.xml, subscribers.xml (the token above), public/ with a page, a feed,
// an episode, chapters, a cover, a dot-file, a folder, and symlinks out.
publisher::ShowFolder make_folder(const std::string& name, bool private_feeds) {
  publisher::ShowFolder f;
  f.root = fuzz::work_dir() / name;
  f.show = feed::make_show("Голос & <врага>", "http://podcast.intranet/a&b=\"c\"/", "ru");
  f.show.private_feeds = private_feeds;
  fs::create_directories(f.public_dir() / "episodes");
  fs::create_directories(f.public_dir() / "folder");
  fuzz::write_bytes(f.show_xml(), feed::show_to_xml(f.show));
  feed::Subscriber s{"Сотрудник", util::sha256_hex(kToken), {}, "", ""};
  fuzz::write_bytes(f.root / "subscribers.xml", feed::subscribers_to_xml({s}));
  fuzz::write_bytes(f.root / "secret.txt", kSecret);
  const std::string base = f.show.base_url, escaped = "http://podcast.intranet/a&amp;b=&quot;c&quot;/";
  fuzz::write_bytes(f.public_dir() / "index.html", "<p>" + escaped + "feed.xml</p><!--crosstalk:subscribe-->");
  fuzz::write_bytes(f.public_dir() / "feed.xml", "<rss><link>" + escaped + "</link>" + base + "</rss>");
  fuzz::write_bytes(f.public_dir() / "episodes" / "0001-marketing.opus", std::string(5000, 'O'));
  fuzz::write_bytes(f.public_dir() / "episodes" / "0001-marketing.chapters.json", "{\"chapters\":[]}");
  fuzz::write_bytes(f.public_dir() / "cover.jpg", std::string(300, 'J'));
  fuzz::write_bytes(f.public_dir() / ".hidden", kSecret);
  fs::create_symlink(f.root / "secret.txt", f.public_dir() / "link.xml");
  fs::create_directory_symlink(f.root, f.public_dir() / "up");
  return f;
}

Site make_site(const std::string& name, bool private_feeds) {
  publisher::ShowFolder folder = make_folder(name, private_feeds);
  return Site{folder, server::AccessGate(folder)};
}

Site& site(bool private_feeds) {
  static Site open = make_site("open", false);
  static Site closed = make_site("private", true);
  return private_feeds ? closed : open;
}

std::optional<http::request<http::empty_body>> parse(std::string_view bytes) {
  http::request_parser<http::empty_body> parser;  // serve's limits
  parser.header_limit(8 * 1024);
  parser.body_limit(0);
  parser.eager(true);
  boost::beast::error_code ec;
  while (!bytes.empty() && !parser.is_done()) {
    const std::size_t used = parser.put(boost::asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == http::error::need_more && used == 0) break;
    if (ec && ec != http::error::need_more) return std::nullopt;
    bytes.remove_prefix(used);
  }
  if (!parser.is_done()) {
    parser.put_eof(ec);
    if (ec || !parser.is_done()) return std::nullopt;
  }
  return parser.release();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const bool private_feeds = data[0] & 1;
  auto req = parse(fuzz::as_text(data + 1, size - 1));
  if (!req) return 0;
  Site& s = site(private_feeds);
  server::Answer a = server::answer(*req, s.folder.public_dir(), s.gate);
  const unsigned status = a.response.result_int();
  const std::string target = server::origin_form(std::string_view(req->target().data(), req->target().size()));
  const bool check = target == "/_crosstalk/check";
  if (private_feeds && !check && (status < 300 || status == 304) &&
      target.compare(0, 3 + kToken.size() + 1, "/s/" + std::string(kToken) + "/") != 0)
    fuzz::fail("a private show answered without a subscriber's token");
  if (check && status == 204 && !private_feeds) fuzz::fail("nginx's check let a token through for an open show");
  if (a.response.body().find(kSecret) != std::string::npos) fuzz::fail("a file outside public/ was served");
  if (a.file) {
    if (a.first + a.length > a.file->size() || a.first + a.length < a.first) fuzz::fail("a range outside its file");
    std::string head(kSecret.size(), '\0');
    const auto got = a.file->read_at(head.data(), head.size(), 0);
    if (got == static_cast<std::int64_t>(head.size()) && head == kSecret) fuzz::fail("a file outside public/ was served");
    if (status != 200 && status != 206) fuzz::fail("a file sent with a status that has no body");
  }
  const auto length = a.response.find(http::field::content_length);
  if (a.file && (length == a.response.end() || length->value() != std::to_string(a.length)))
    fuzz::fail("Content-Length is not the length sent");
  if (status == 206 && a.response.find(http::field::content_range) == a.response.end())
    fuzz::fail("206 without Content-Range");
  return 0;
}
