// pugixml helpers: load with file:line errors, save as indented UTF-8.
#include "xml_io.hpp"

#include "crosstalk/util/read_file.hpp"
#include "crosstalk/util/xml_text.hpp"

#include <algorithm>

namespace crosstalk::feed::xml {

namespace {
// The line of a byte offset in the file, read again: only for an error
// (a show's files are read on every command, and parsed where they lie).
int line_of(const std::string& path, std::ptrdiff_t offset) {
  const std::string text = util::read_file(path).value_or("");
  if (offset < 0) return 1;
  auto end =
      text.begin() + std::min<std::ptrdiff_t>(offset, static_cast<std::ptrdiff_t>(text.size()));
  return 1 + static_cast<int>(std::count(text.begin(), end, '\n'));
}
}  // namespace

Error Document::error_at(const pugi::xml_node& node, const std::string& message) const {
  return Error{ErrorKind::BadInput,
               path + ":" + std::to_string(line_of(path, node.offset_debug())) + ": " + message};
}

Result<void> load(const boost::filesystem::path& path, Document& out) {
  out.path = path.string();
  // pugixml reads the file into one buffer and parses it in place.
  pugi::xml_parse_result r =
      out.doc.load_file(path.c_str(), pugi::parse_default, pugi::encoding_utf8);
  if (r.status == pugi::status_file_not_found || r.status == pugi::status_io_error ||
      r.status == pugi::status_out_of_memory)
    return bad_input(out.path + ": cannot read the file (is this a show folder?)");
  if (!r)
    return bad_input(out.path + ":" + std::to_string(line_of(out.path, r.offset)) +
                     ": malformed XML (" + r.description() + "); fix or restore the file");
  return {};
}

namespace {
struct StringWriter : pugi::xml_writer {
  std::string out;
  void write(const void* data, size_t size) override {
    out.append(static_cast<const char*>(data), size);
  }
};

// Every text and attribute value through util::xml_safe_text: whatever a
// hand-edited file brought in, what is written is well-formed XML.
void make_safe(pugi::xml_node node) {
  for (pugi::xml_attribute a : node.attributes())
    if (util::xml_text_problem(a.value())) a.set_value(util::xml_safe_text(a.value()).c_str());
  if ((node.type() == pugi::node_pcdata || node.type() == pugi::node_cdata) &&
      util::xml_text_problem(node.value()))
    node.set_value(util::xml_safe_text(node.value()).c_str());
  for (pugi::xml_node child : node.children()) make_safe(child);
}
}  // namespace

std::string to_string(pugi::xml_document& doc) {
  make_safe(doc);
  StringWriter writer;
  doc.save(writer, "  ", pugi::format_default, pugi::encoding_utf8);
  return std::move(writer.out);
}

pugi::xml_node start_document(pugi::xml_document& doc, const char* root) {
  auto decl = doc.append_child(pugi::node_declaration);
  decl.append_attribute("version") = "1.0";
  decl.append_attribute("encoding") = "UTF-8";
  return doc.append_child(root);
}

std::string text_of(const pugi::xml_node& parent, const char* name) {
  return parent.child(name).text().as_string();
}

void add_text(pugi::xml_node& parent, const char* name, const std::string& value) {
  parent.append_child(name).text().set(value.c_str());
}

}  // namespace crosstalk::feed::xml
