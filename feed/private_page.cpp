// The page a private show's root answers without a token: it says the
// podcast is private and whom to ask, in the show's language, and carries
// nothing of the episodes.
#include "crosstalk/feed/render.hpp"

namespace crosstalk::feed {

namespace {

struct PrivateTexts {
  const char* heading;
  const char* body;
};

// The page's text per language; English for any other.
PrivateTexts private_texts(const std::string& language) {
  if (language == "ru" || language.starts_with("ru-"))
    return {"Закрытый подкаст", "Этот подкаст закрытый: попросите у отдела коммуникаций вашу личную ссылку."};
  return {"A private podcast", "This podcast is private; ask the comms team for your personal link."};
}

}  // namespace

std::string render_private_root(const Show& show) {
  const PrivateTexts t = private_texts(show.language);
  return "<!DOCTYPE html>\n<html lang=\"" + escape_html(show.language) + "\">\n<head>\n<meta charset=\"utf-8\">\n"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
         "<meta name=\"robots\" content=\"noindex\">\n<title>" + escape_html(show.title) + "</title>\n"
         "<style>body{margin:0;padding:2rem 1rem;font:16px/1.5 system-ui,sans-serif;color:#1b1f23;background:#f6f7f9}"
         "main{max-width:32rem;margin:auto}h1{font-size:1.5rem}</style>\n</head>\n<body>\n<main>\n<h1>" +
         escape_html(show.title) + "</h1>\n<h2>" + t.heading + "</h2>\n<p>" + t.body + "</p>\n</main>\n</body>\n</html>\n";
}

}  // namespace crosstalk::feed
