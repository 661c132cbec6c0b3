// Little-endian fields in a byte string, for the files stats keeps in the
// show folder (state.cpp, people.cpp): a Writer appends them, a Reader takes
// them back and turns `ok` off at the first one the bytes cannot hold.
#pragma once

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace crosstalk::stats {

struct Writer {
  std::string out;
  template <class T>
  void put(T v) {
    out.append(reinterpret_cast<const char*>(&v), sizeof v);
  }
  void str(std::string_view s) {
    put<std::uint32_t>(static_cast<std::uint32_t>(s.size()));
    out.append(s);
  }
};

struct Reader {
  std::string_view in;
  bool ok = true;
  template <class T>
  T get() {
    T v{};
    if (in.size() < sizeof v) {
      ok = false;
      return v;
    }
    std::memcpy(&v, in.data(), sizeof v);
    in.remove_prefix(sizeof v);
    return v;
  }
  std::string str() {
    const auto n = get<std::uint32_t>();
    if (!ok || in.size() < n) {
      ok = false;
      return {};
    }
    std::string s(in.substr(0, n));
    in.remove_prefix(n);
    return s;
  }
  // A count of records of `size` bytes each that the rest can hold.
  std::uint64_t count(std::size_t size) {
    const auto n = get<std::uint64_t>();
    if (!ok || n > in.size() / size) ok = false;
    return ok ? n : 0;
  }
};

}  // namespace crosstalk::stats
