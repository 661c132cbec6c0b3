// subscribers add/list/revoke on subscribers.xml, under the show lock.
#include "crosstalk/publisher/subscribers.hpp"

#include "crosstalk/i18n/i18n.hpp"
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
  auto added = add_subscribers(folder, {{std::string(name), {}, std::string(department), {}}}, now);
  if (!added) return std::unexpected(added.error());
  return std::move(added->front());
}

Result<std::vector<NewSubscriber>> add_subscribers(const ShowFolder& folder, const std::vector<NewPerson>& people,
                                                   feed::Time now) {
  if (!folder.show.private_feeds)
    return bad_input(i18n::tr("{1}: the show is public (anyone with the link can listen); make it private first "
                              "('crosstalk settings --private true')",
                              folder.show_xml().string()));
  // Every person is checked before anyone is added: all or nothing.
  std::vector<feed::Subscriber> batch;
  for (const NewPerson& p : people) {
    auto in = [&p](const Error& e) { return bad_input((p.where.empty() ? "" : p.where + ": ") + e.message); };
    if (auto r = check_person_name("subscriber", p.name); !r) return in(r.error());
    if (auto r = check_email(p.email); !r) return in(r.error());
    std::string department;
    if (!p.department.empty()) {
      auto id = department_id(folder.show, p.department);
      if (!id) return in(id.error());
      department = *id;
    }
    for (const auto& other : batch)
      if (other.name == p.name) return in(Error{ErrorKind::BadInput, i18n::tr("'{1}' is in the list twice", p.name)});
    batch.push_back({p.name, {}, now, department, p.email});
  }
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto list = feed::load_subscribers(subscribers_file(folder));
  if (!list) return std::unexpected(list.error());
  std::vector<NewSubscriber> out;
  for (std::size_t i = 0; i < batch.size(); ++i) {
    feed::Subscriber& s = batch[i];
    if (std::any_of(list->begin(), list->end(), [&](const auto& o) { return o.name == s.name; }))
      return bad_input((people[i].where.empty() ? "" : people[i].where + ": ") +
                       i18n::tr("'{1}' already has a feed URL; 'crosstalk subscribers revoke' them first to issue a new "
                                "one",
                                s.name));
    auto token = util::random_token(32);
    if (!token) return std::unexpected(token.error());
    s.token_sha256 = util::sha256_hex(*token);
    const std::string page = subscriber_base_url(folder.show, *token);
    out.push_back({s, page + "feed.xml", page});
  }
  list->insert(list->end(), batch.begin(), batch.end());
  if (auto r = save(folder, *list); !r) return std::unexpected(r.error());
  for (const auto& s : batch) {
    std::vector<AuditChange> changes;
    if (!s.department.empty()) changes.push_back({"department", "", s.department});
    if (!s.email.empty()) changes.push_back({"email", "", s.email});
    audit(folder, {{}, {}, "subscriber add", 0, s.name, std::move(changes)});
  }
  if (auto r = write_nginx_config(folder); !r) return std::unexpected(r.error());
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
  auto unknown = [name](const std::string& known) {
    return known.empty() ? i18n::tr("no subscriber '{1}' (there are none)", name)
                         : i18n::tr("no subscriber '{1}' (subscribers: {2})", name, known);
  };
  if (auto r = remove_by_name(*list, name, unknown); !r) return r;
  if (auto r = save(folder, *list); !r) return r;
  audit(folder, {{}, {}, "subscriber revoke", 0, std::string(name), {}});
  return write_nginx_config(folder);
}

}  // namespace crosstalk::publisher
