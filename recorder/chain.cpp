// The signal chain of encode_file (recorder/chain.hpp).
#include "chain.hpp"

#include <algorithm>
#include <thread>

#include "crosstalk/i18n/i18n.hpp"
#include "crosstalk/recorder/limiter.hpp"
#include "crosstalk/recorder/ogg_opus_writer.hpp"
#include "crosstalk/recorder/resampler.hpp"

namespace crosstalk::recorder {

void on_threads(int n, const std::function<void(int)>& body) {
  std::vector<std::thread> others;
  for (int i = 1; i < n; ++i) others.emplace_back(i18n::in_this_language(body), i);
  body(0);
  for (auto& t : others) t.join();
}

void mix_down(std::span<const float> in, int in_channels, std::size_t frames, int out_channels,
              std::vector<float>& out) {
  out.resize(frames * static_cast<std::size_t>(out_channels));
  if (in_channels == out_channels) {
    std::copy_n(in.begin(), out.size(), out.begin());
    return;
  }
  const float scale = 1.0f / static_cast<float>(in_channels);
  for (std::size_t f = 0; f < frames; ++f) {
    float sum = 0.0f;
    for (int c = 0; c < in_channels; ++c) sum += in[f * static_cast<std::size_t>(in_channels) + static_cast<std::size_t>(c)];
    out[f] = sum * scale;
  }
}

Result<void> for_each_block(AudioFileReader& reader, int channels, const PcmFn& fn,
                            std::span<const Excerpt> excerpts) {
  const AudioFileInfo& info = reader.info();
  std::vector<float> block(kBlockFrames * static_cast<std::size_t>(info.channels));
  std::vector<float> mixed;
  const Excerpt whole{0, info.frames};
  for (const Excerpt& x : excerpts.empty() ? std::span<const Excerpt>(&whole, 1) : excerpts) {
    if (!excerpts.empty())
      if (auto r = reader.seek(x.start); !r) return r;
    for (std::uint64_t left = x.frames; left > 0;) {
      auto want = static_cast<std::size_t>(std::min<std::uint64_t>(left, kBlockFrames));
      auto frames = reader.read(std::span(block).first(want * static_cast<std::size_t>(info.channels)));
      if (!frames) return std::unexpected(frames.error());
      if (*frames == 0) break;
      left -= *frames;
      mix_down(block, info.channels, *frames, channels, mixed);
      if (auto r = fn(std::span<float>(mixed)); !r) return r;
    }
  }
  return {};
}

Result<ChainResult> run_chain(AudioFileReader& reader, int channels, const ChainOptions& o,
                              const ConstPcmFn& consume, std::span<const Excerpt> excerpts) {
  const AudioFileInfo& info = reader.info();
  const float gain = static_cast<float>(std::pow(10.0, o.gain_db / 20.0));
  std::optional<Resampler> resampler;
  if (info.sample_rate != kOpusRate) {
    auto r = Resampler::create(info.sample_rate, kOpusRate, channels);
    if (!r) return std::unexpected(r.error());
    resampler.emplace(std::move(*r));
  }
  std::optional<TruePeakLimiter> limiter;
  std::optional<LoudnessMeter> output_meter;
  if (o.ceiling_dbtp) {
    auto l = TruePeakLimiter::create(channels, *o.ceiling_dbtp);
    if (!l) return std::unexpected(l.error());
    limiter.emplace(std::move(*l));
    if (!o.output_meter) {
      auto m = LoudnessMeter::create(channels, kOpusRate, o.meter_mode);
      if (!m) return std::unexpected(m.error());
      output_meter.emplace(std::move(*m));
    }
  }
  LoudnessMeter* const metered = o.output_meter ? o.output_meter : output_meter ? &*output_meter : nullptr;
  const auto ch = static_cast<std::size_t>(channels);
  std::uint64_t emitted = 0;  // 48 kHz frames given to `consume`
  auto meter = [&](std::span<const float> pcm) -> Result<void> {
    const std::uint64_t n = pcm.size() / ch, from = std::max(emitted, o.meter_from),
                        to = std::min(emitted + n, o.meter_to);
    if (from < to) return metered->add(pcm.subspan((from - emitted) * ch, (to - from) * ch));
    return {};
  };
  std::vector<float> limited;
  auto at_48k = [&](std::span<const float> pcm) -> Result<void> {
    if (limiter) {
      limited.clear();
      if (auto r = limiter->process(pcm, limited); !r) return r;
      pcm = limited;
    }
    if (metered)
      if (auto r = meter(pcm); !r) return r;
    if (auto r = consume(pcm); !r) return r;
    emitted += pcm.size() / ch;
    return {};
  };
  auto pass = for_each_block(reader, channels, [&](std::span<float> pcm) -> Result<void> {
    if (o.source_meter)
      if (auto r = o.source_meter->add(pcm); !r) return r;
    if (gain != 1.0f)
      for (float& v : pcm) v *= gain;
    if (!resampler) return at_48k(pcm);
    auto converted = resampler->process(pcm);
    if (!converted) return std::unexpected(converted.error());
    return at_48k(*converted);
  }, excerpts);
  if (!pass) return std::unexpected(pass.error());
  if (resampler) {
    auto tail = resampler->flush();
    if (!tail) return std::unexpected(tail.error());
    if (auto r = at_48k(*tail); !r) return std::unexpected(r.error());
  }
  ChainResult result;
  if (limiter) {
    limited.clear();
    if (auto r = limiter->flush(limited); !r) return std::unexpected(r.error());
    if (auto r = meter(limited); !r) return std::unexpected(r.error());
    if (auto r = consume(std::span<const float>(limited)); !r) return std::unexpected(r.error());
    result.limited_db = limiter->deepest_reduction_db();
    result.peak_dbtp = limiter->peak_out_dbtp();
    result.peak_in_dbtp = limiter->peak_in_dbtp();
    result.output_lufs = metered->figures().integrated_lufs;
    result.output_meter = std::move(output_meter);
  }
  return result;
}

}  // namespace crosstalk::recorder
