// The studio's staff accounts: `staff add` makes a 256-bit sign-in token,
// prints the person's link once and keeps only the token's SHA-256 in
// staff.xml; `revoke` removes it (the studio notices at the next request).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

boost::filesystem::path staff_file(const ShowFolder& folder);

struct NewStaffMember {
  feed::StaffMember member;
  std::string signin_url;  // studio_url + "signin#<token>"
};

// Refuses an empty or duplicate name, a department the show does not have.
Result<NewStaffMember> add_staff(const ShowFolder& folder, std::string_view name, feed::Role role,
                                 std::string_view department, std::string_view email, feed::Time now);
Result<std::vector<feed::StaffMember>> list_staff(const ShowFolder& folder);
Result<void> revoke_staff(const ShowFolder& folder, std::string_view name);

// The member whose token this is (the file re-read every time: a revoke
// counts at the next request), or nullopt.
Result<std::optional<feed::StaffMember>> staff_by_token(const ShowFolder& folder, std::string_view token);

}  // namespace crosstalk::publisher
