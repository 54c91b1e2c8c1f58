#include "text/gzip.h"

#include <zlib.h>

namespace spamphibian::text {
namespace {

constexpr int kGzipWindow = 15 + 16;  // zlib: a gzip header and trailer, not zlib's own

// The smallest window that still sees all of `size` bytes (a window larger
// than the data finds no more matches), from 2^9 to zlib's 2^15, and the
// hash table to match. At full size zlib allocates and clears about 256 KB
// per stream; an act batch of one decision is a few KB, so most of its
// compression cost was that setup. Any gzip reader inflates either.
int WindowBitsFor(std::size_t size) {
  int bits = 9;
  while (bits < 15 && (std::size_t{1} << bits) < size) ++bits;
  return bits;
}

}  // namespace

std::string Gzip(std::string_view data) {
  z_stream z{};
  // Level 1: JSON lines still shrink several times, at a third of the
  // default level's CPU (a batch is compressed on the archive's thread,
  // beside the stages that act).
  const int bits = WindowBitsFor(data.size());
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, bits + 16, bits - 7, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, static_cast<uLong>(data.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);  // the bound is enough for one call
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

Status Gunzip(std::string_view gz, std::size_t max_bytes, std::string* out) {
  out->clear();
  z_stream z{};
  if (inflateInit2(&z, kGzipWindow) != Z_OK) return Status::Internal("zlib: inflateInit2 failed");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  char buffer[16384];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof(buffer);
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) break;
    out->append(buffer, sizeof(buffer) - z.avail_out);
    if (out->size() > max_bytes) {
      inflateEnd(&z);
      return Status::InvalidArgument("gzip: more than " + std::to_string(max_bytes) + " bytes inflated");
    }
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END) return Status::InvalidArgument("not a whole gzip file");
  return Status::Ok();
}

}  // namespace spamphibian::text
