// subscribers add/list/revoke on subscribers.xml, under the show lock.
#include "crosstalk/publisher/subscribers.hpp"

#include "crosstalk/publisher/audit.hpp"

#include <algorithm>

#include "crosstalk/publisher/nginx_config.hpp"
#include "named_list.hpp"
#include "crosstalk/publisher/workflow.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/token.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {

Result<void> save(const ShowFolder& folder, const std::vector<feed::Subscriber>& subscribers) {
  const std::string xml = feed::subscribers_to_xml(subscribers);
  return util::write_file_atomically(subscribers_file(folder),
                                     {reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()});
}

}  // namespace

fs::path subscribers_file(const ShowFolder& folder) { return folder.root / "subscribers.xml"; }

std::string subscriber_base_url(const feed::Show& show, std::string_view token) {
  return show.base_url + "s/" + std::string(token) + "/";
}

std::optional<TokenPath> split_token_path(std::string_view target) {
  constexpr std::size_t kHex = 64;
  if (target.size() < 3 + kHex + 1 || target.substr(0, 3) != "/s/" || target[3 + kHex] != '/') return std::nullopt;
  std::string_view token = target.substr(3, kHex);
  if (token.find_first_not_of("0123456789abcdef") != std::string_view::npos) return std::nullopt;
  return TokenPath{token, target.substr(3 + kHex)};
}

Result<NewSubscriber> add_subscriber(const ShowFolder& folder, std::string_view name, feed::Time now,
                                     std::string_view department) {
  if (!folder.show.private_feeds)
    return bad_input(folder.show_xml().string() +
                     ": the show is public (anyone with the link can listen); set <private>true</private> there first");
  if (auto r = check_person_name("subscriber", name); !r) return std::unexpected(r.error());
  if (!department.empty())
    if (auto r = check_department(folder.show, std::string(department)); !r) return std::unexpected(r.error());
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto list = feed::load_subscribers(subscribers_file(folder));
  if (!list) return std::unexpected(list.error());
  if (std::any_of(list->begin(), list->end(), [&](const auto& s) { return s.name == name; }))
    return bad_input("'" + std::string(name) + "' already has a feed URL; 'crosstalk subscribers revoke' it first to issue a new one");
  auto token = util::random_token(32);
  if (!token) return std::unexpected(token.error());
  NewSubscriber out{{std::string(name), util::sha256_hex(*token), now, std::string(department)}, {}, {}};
  list->push_back(out.subscriber);
  if (auto r = save(folder, *list); !r) return std::unexpected(r.error());
  audit(folder, {{}, {}, "subscriber add", 0, std::string(name), department.empty() ? std::vector<AuditChange>{} : std::vector<AuditChange>{{"department", "", std::string(department)}}});
  if (auto r = write_nginx_config(folder); !r) return std::unexpected(r.error());
  out.page_url = subscriber_base_url(folder.show, *token);
  out.feed_url = out.page_url + "feed.xml";
  return out;
}

Result<std::vector<feed::Subscriber>> list_subscribers(const ShowFolder& folder) {
  return feed::load_subscribers(subscribers_file(folder));
}

Result<void> revoke_subscriber(const ShowFolder& folder, std::string_view name) {
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto list = feed::load_subscribers(subscribers_file(folder));
  if (!list) return std::unexpected(list.error());
  if (auto r = remove_by_name(*list, name, "subscriber", "subscribers"); !r) return r;
  if (auto r = save(folder, *list); !r) return r;
  audit(folder, {{}, {}, "subscriber revoke", 0, std::string(name), {}});
  return write_nginx_config(folder);
}

}  // namespace crosstalk::publisher
