// Subscribers in bulk: a people list from a spreadsheet in (name, e-mail,
// department), the personal links out for a mail merge, and the list of
// subscribers as CSV (without links: only their hashes are kept).
#pragma once

#include <string>
#include <vector>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/subscribers.hpp"

namespace crosstalk::publisher {

// A CSV file with a header row naming its columns (name, e-mail,
// department in any order; Russian headers too; other columns ignored).
// Each person's `where` is "FILE line N". A malformed file or row: one line
// naming it (BadInput).
Result<std::vector<NewPerson>> read_people_csv(const boost::filesystem::path& file);

// name, e-mail, department, feed, page: one row per person just added.
std::string links_csv(const std::vector<NewSubscriber>& added);

// name, e-mail, department, added (the show's time zone).
std::string subscribers_csv(const std::vector<feed::Subscriber>& subscribers, const feed::Show& show);

}  // namespace crosstalk::publisher
