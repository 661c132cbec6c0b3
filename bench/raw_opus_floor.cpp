// The floor for the encode benchmark: libopus alone, same settings as
// crosstalk and opusenc (AUDIO, 20 ms, complexity 10, unconstrained VBR),
// on PCM already in memory. Prints codec seconds and bytes; no file I/O is
// timed and no Ogg framing is done.
#include <opus/opus.h>
#include <sndfile.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: raw_opus_floor IN.wav [bitrate]\n");
    return 2;
  }
  int bitrate = argc > 2 ? std::atoi(argv[2]) : 64000;
  SF_INFO info{};
  SNDFILE* f = sf_open(argv[1], SFM_READ, &info);
  if (!f || info.samplerate != 48000 || info.channels != 1) {
    std::fprintf(stderr, "raw_opus_floor: needs a 48 kHz mono file\n");
    return 2;
  }
  std::vector<float> pcm(static_cast<std::size_t>(info.frames) + 960);
  sf_readf_float(f, pcm.data(), info.frames);
  sf_close(f);
  int err = 0;
  OpusEncoder* enc = opus_encoder_create(48000, 1, OPUS_APPLICATION_AUDIO, &err);
  opus_encoder_ctl(enc, OPUS_SET_BITRATE(bitrate));
  opus_encoder_ctl(enc, OPUS_SET_VBR(1));
  opus_encoder_ctl(enc, OPUS_SET_VBR_CONSTRAINT(0));
  opus_encoder_ctl(enc, OPUS_SET_COMPLEXITY(10));
  opus_encoder_ctl(enc, OPUS_SET_LSB_DEPTH(16));
  unsigned char packet[4000];
  long long bytes = 0;
  auto start = std::chrono::steady_clock::now();
  for (std::size_t i = 0; i + 960 <= pcm.size(); i += 960) {
    int n = opus_encode_float(enc, &pcm[i], 960, packet, sizeof packet);
    if (n < 0) return 1;
    bytes += n;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  opus_encoder_destroy(enc);
  std::printf("%.4f %lld\n", seconds, bytes);
  return 0;
}
