// staff.xml: who may enter the browser studio (hashes of their sign-in tokens).
#include "crosstalk/feed/show.hpp"
#include <boost/filesystem/operations.hpp>

#include "xml_io.hpp"

namespace crosstalk::feed {

std::string_view to_string(Role r) { return r == Role::Comms ? "comms" : "host"; }

std::string staff_to_xml(const std::vector<StaffMember>& staff) {
  pugi::xml_document doc;
  auto root = xml::start_document(doc, "staff");
  root.append_attribute("version") = 1;
  root.append_child(pugi::node_comment)
      .set_value(" Who may enter the studio. Only SHA-256 hashes of the sign-in tokens are kept: a lost link "
                 "cannot be recovered, only revoked and added again (crosstalk staff). ");
  for (const auto& s : staff) {
    auto node = root.append_child("member");
    node.append_attribute("name") = s.name.c_str();
    node.append_attribute("role") = std::string(to_string(s.role)).c_str();
    if (!s.department.empty()) node.append_attribute("department") = s.department.c_str();
    if (!s.email.empty()) node.append_attribute("email") = s.email.c_str();
    node.append_attribute("token-sha256") = s.token_sha256.c_str();
    node.append_attribute("added") = format_utc(s.added).c_str();
  }
  return xml::to_string(doc);
}

Result<std::vector<StaffMember>> load_staff(const boost::filesystem::path& path) {
  boost::system::error_code ec;
  if (!boost::filesystem::exists(path, ec)) return std::vector<StaffMember>{};
  xml::Document d;
  if (auto r = xml::load(path, d); !r) return std::unexpected(r.error());
  auto root = d.doc.child("staff");
  if (!root) return std::unexpected(d.error_at(d.doc.first_child(), "the root element must be <staff>"));
  std::vector<StaffMember> out;
  for (auto node : root.children("member")) {
    StaffMember s;
    s.name = node.attribute("name").as_string();
    const std::string role = node.attribute("role").as_string();
    s.role = role == "comms" ? Role::Comms : Role::Host;
    s.department = node.attribute("department").as_string();
    s.email = node.attribute("email").as_string();
    s.token_sha256 = node.attribute("token-sha256").as_string();
    auto added = parse_time(node.attribute("added").as_string(), "UTC");
    if (s.name.empty() || (role != "host" && role != "comms") || s.token_sha256.size() != 64 ||
        s.token_sha256.find_first_not_of("0123456789abcdef") != std::string::npos || !added)
      return std::unexpected(
          d.error_at(node, "a <member> needs name, role (host or comms), token-sha256 (64 hex digits) and added"));
    s.added = *added;
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace crosstalk::feed
