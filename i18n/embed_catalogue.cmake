# Writes OUT: a C++ file holding MO (msgfmt's compiled catalogue) as a byte
# array behind russian_catalogue(). Run at build time (cmake -P).
file(READ ${MO} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR size "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "'\\\\x\\1'," bytes "${hex}")
set(code "// Generated from i18n/ru.po (msgfmt, then i18n/embed_catalogue.cmake): do not edit.\n")
string(APPEND code "#include \"catalogue.hpp\"\n\nnamespace crosstalk::i18n {\nnamespace {\n")
string(APPEND code "const char kRussian[] = {${bytes} 0};\n}  // namespace\n\n")
string(APPEND code "std::string_view russian_catalogue() { return std::string_view(kRussian, ${size}); }\n\n}  // namespace crosstalk::i18n\n")
file(WRITE ${OUT}.tmp "${code}")
file(COPY_FILE ${OUT}.tmp ${OUT} ONLY_IF_DIFFERENT)
file(REMOVE ${OUT}.tmp)
