// Private feeds: who may listen. `subscribers add` makes a 256-bit token,
// prints the person's URLs once and keeps only the token's SHA-256 in
// subscribers.xml; `revoke` removes it (servers notice at the next request).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "crosstalk/error.hpp"
#include "crosstalk/feed/show.hpp"
#include "crosstalk/publisher/show_folder.hpp"

namespace crosstalk::publisher {

boost::filesystem::path subscribers_file(const ShowFolder& folder);

struct NewSubscriber {
  feed::Subscriber subscriber;
  std::string feed_url;  // base_url + "s/<token>/feed.xml"
  std::string page_url;  // base_url + "s/<token>/"
};

// Refuses a public show, an empty or duplicate name, a department the show
// does not have.
Result<NewSubscriber> add_subscriber(const ShowFolder& folder, std::string_view name, feed::Time now,
                                     std::string_view department = {});
// Someone to add; `where` names them in messages ("people.csv line 7").
struct NewPerson {
  std::string name, email, department;  // department: an id or a name of the show's rotation
  std::string where;
};
// All or nothing: everyone is checked (name, e-mail, department, not twice,
// not already there) before anyone is added; then one write of
// subscribers.xml under the lock, an audit line each.
Result<std::vector<NewSubscriber>> add_subscribers(const ShowFolder& folder, const std::vector<NewPerson>& people,
                                                   feed::Time now);
Result<std::vector<feed::Subscriber>> list_subscribers(const ShowFolder& folder);
Result<void> revoke_subscriber(const ShowFolder& folder, std::string_view name);

// The prefix every URL in a subscriber's feed starts with.
std::string subscriber_base_url(const feed::Show& show, std::string_view token);

// "/s/<64 hex>/rest" → {token, "/rest"}; otherwise empty.
struct TokenPath {
  std::string_view token;
  std::string_view rest;
};
std::optional<TokenPath> split_token_path(std::string_view target);

}  // namespace crosstalk::publisher
