// staff add/list/revoke on staff.xml, under the show lock.
#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/publisher/staff.hpp"

#include "crosstalk/publisher/audit.hpp"

#include <algorithm>

#include "crosstalk/publisher/workflow.hpp"
#include "named_list.hpp"
#include "crosstalk/util/atomic_file.hpp"
#include "crosstalk/util/token.hpp"

namespace fs = boost::filesystem;

namespace crosstalk::publisher {

namespace {
Result<void> save(const ShowFolder& folder, const std::vector<feed::StaffMember>& staff) {
  const std::string xml = feed::staff_to_xml(staff);
  return util::write_file_atomically(staff_file(folder), {reinterpret_cast<const std::uint8_t*>(xml.data()), xml.size()});
}
}  // namespace

fs::path staff_file(const ShowFolder& folder) { return folder.root / "staff.xml"; }

Result<NewStaffMember> add_staff(const ShowFolder& folder, std::string_view name, feed::Role role,
                                 std::string_view department, std::string_view email, feed::Time now) {
  if (auto r = check_person_name("staff", name); !r) return std::unexpected(r.error());
  if (!email.empty())
    if (auto r = check_person_name("e-mail", email); !r) return std::unexpected(r.error());
  if (!department.empty())
    if (auto r = check_department(folder.show, std::string(department)); !r) return std::unexpected(r.error());
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto list = feed::load_staff(staff_file(folder));
  if (!list) return std::unexpected(list.error());
  // Names and e-mails are one namespace: the single-sign-on header is
  // matched against both, and must find one person.
  for (const auto& s : *list) {
    const bool clash = s.name == email || (!s.email.empty() && (s.email == name || s.email == email));
    if (clash && s.name != name)
      return bad_input(i18n::tr("'{1}' is {2}'s name or e-mail already; give each person their own",
                                email.empty() ? name : email, s.name));
  }
  if (std::any_of(list->begin(), list->end(), [&](const auto& s) { return s.name == name; }))
    return bad_input(i18n::tr("'{1}' has a studio account already; 'crosstalk staff revoke' it first to issue a new link",
                              name));
  auto token = util::random_token(32);
  if (!token) return std::unexpected(token.error());
  NewStaffMember out{{std::string(name), role, std::string(department), std::string(email), util::sha256_hex(*token), now},
                     folder.show.studio_url + "signin#" + *token};
  list->push_back(out.member);
  if (auto r = save(folder, *list); !r) return std::unexpected(r.error());
  audit(folder, {{}, {}, "staff add", 0, std::string(name), {{"role", "", std::string(feed::to_string(role))}}});
  return out;
}

Result<std::vector<feed::StaffMember>> list_staff(const ShowFolder& folder) { return feed::load_staff(staff_file(folder)); }

Result<void> revoke_staff(const ShowFolder& folder, std::string_view name) {
  auto lock = lock_show(folder);
  if (!lock) return std::unexpected(lock.error());
  auto list = feed::load_staff(staff_file(folder));
  if (!list) return std::unexpected(list.error());
  auto unknown = [name](const std::string& known) {
    return known.empty() ? i18n::tr("no staff member '{1}' (there are none)", name)
                         : i18n::tr("no staff member '{1}' (staff: {2})", name, known);
  };
  if (auto r = remove_by_name(*list, name, unknown); !r) return r;
  if (auto r = save(folder, *list); !r) return r;
  audit(folder, {{}, {}, "staff revoke", 0, std::string(name), {}});
  return {};
}

Result<std::optional<feed::StaffMember>> staff_by_token(const ShowFolder& folder, std::string_view token) {
  auto list = feed::load_staff(staff_file(folder));
  if (!list) return std::unexpected(list.error());
  const std::string hash = util::sha256_hex(token);
  for (auto& s : *list)
    if (s.token_sha256 == hash) return std::optional<feed::StaffMember>(std::move(s));
  return std::optional<feed::StaffMember>();
}

}  // namespace crosstalk::publisher
