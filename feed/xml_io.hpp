// Reading XML files with errors that name the file and line (pugixml).
#pragma once

#include <pugixml.hpp>
#include <string>

#include <boost/filesystem/path.hpp>

#include "crosstalk/error.hpp"

namespace crosstalk::feed::xml {

struct Document {
  pugi::xml_document doc;
  std::string path;
  // "path:line: message" for a node (line 1 when unknown).
  Error error_at(const pugi::xml_node& node, const std::string& message) const;
};

Result<void> load(const boost::filesystem::path& path, Document& out);
// Indented UTF-8; characters XML 1.0 forbids become U+FFFD first.
std::string to_string(pugi::xml_document& doc);
// A new document with the XML declaration (UTF-8) and its root element.
pugi::xml_node start_document(pugi::xml_document& doc, const char* root);

// Children as text; missing → empty.
std::string text_of(const pugi::xml_node& parent, const char* name);
void add_text(pugi::xml_node& parent, const char* name, const std::string& value);

}  // namespace crosstalk::feed::xml
