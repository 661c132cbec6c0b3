"""Round trips through the real binary: speech and sweeps at 8-96 kHz, mono
and stereo; opusinfo clean, exact decoded length, a sine that survives."""
import os
import subprocess
import unittest

import numpy as np

from support import TempDirTest, decode, ogg_pages, run, speech, sweep, write_wav, tool

RATES = [8000, 16000, 22050, 44100, 48000, 96000]
RU = "Маркетинг и продажи рассказывают о победах и провалах."
EN = "Marketing and sales tell the company about their wins and failures."


def expected_48k(frames, rate):
    return round(frames * 48000 / rate)


def frames_of(wav):
    out = subprocess.run(["soxi", "-s", wav], capture_output=True, text=True, check=True)
    return int(out.stdout)


class RoundTrip(TempDirTest):
    def check_length(self, wav, opus, rate):
        decoded = decode(opus, self.path("decoded.wav"))
        want = expected_48k(frames_of(wav), rate)
        self.assertLessEqual(abs(len(decoded) - want), 1, f"{opus}: {len(decoded)} vs {want}")
        return decoded

    def test_sweeps_every_rate_mono_and_stereo(self):
        for rate in RATES:
            for channels in (1, 2):
                with self.subTest(rate=rate, channels=channels):
                    wav, opus = self.path(f"sw{rate}-{channels}.wav"), self.path(f"sw{rate}-{channels}.opus")
                    sweep(wav, rate, channels)
                    run(["encode", wav, opus, "--channels", channels], check=0)
                    self.assertOpusinfoClean(opus)
                    decoded = self.check_length(wav, opus, rate)
                    self.assertEqual(decoded.shape[1], channels)

    def test_speech_russian_and_english(self):
        for voice, text in (("ru", RU), ("en", EN)):
            for rate in (16000, 44100, 48000):
                with self.subTest(voice=voice, rate=rate):
                    wav, opus = self.path(f"{voice}{rate}.wav"), self.path(f"{voice}{rate}.opus")
                    speech(wav, text, voice, rate)
                    run(["encode", wav, opus, "--title", text], check=0)
                    self.assertOpusinfoClean(opus)
                    decoded = self.check_length(wav, opus, rate)
                    self.assertGreater(np.abs(decoded).max(), 0.05, "speech is audible")

    def test_stereo_speech_is_downmixed_to_mono_by_default(self):
        wav, opus = self.path("st.wav"), self.path("st.opus")
        speech(wav, EN, "en", 44100, channels=2)
        proc = run(["encode", wav, opus], check=0)
        self.assertIn("mono", proc.stdout)
        self.assertEqual(decode(opus, self.path("d.wav")).shape[1], 1)

    def test_sine_correlates_after_preskip_alignment(self):
        for rate in RATES:
            for channels in (1, 2):
                with self.subTest(rate=rate, channels=channels):
                    seconds, freqs = 2.0, (440.0, 660.0)[:channels]
                    t = np.arange(int(rate * seconds)) / rate
                    tone = np.stack([0.5 * np.sin(2 * np.pi * f * t) for f in freqs], axis=1)
                    wav, opus = self.path(f"s{rate}{channels}.wav"), self.path(f"s{rate}{channels}.opus")
                    write_wav(wav, tone, rate)
                    run(["encode", wav, opus, "--channels", channels], check=0)
                    decoded = decode(opus, self.path("d.wav"))
                    t48 = np.arange(len(decoded)) / 48000
                    for c, f in enumerate(freqs):
                        ref = 0.5 * np.sin(2 * np.pi * f * t48)
                        got = decoded[:, c]
                        # Best alignment within ±2 ms: opusdec has already dropped the pre-skip.
                        best_lag, best = 0, -1.0
                        for lag in range(-96, 97):
                            a = got[1000 + lag: len(got) - 1000 + lag]
                            b = ref[1000: len(ref) - 1000]
                            r = float(np.dot(a, b) / np.sqrt(np.dot(a, a) * np.dot(b, b)))
                            if r > best:
                                best_lag, best = lag, r
                        self.assertGreater(best, 0.99, f"{rate} Hz ch{c}")
                        self.assertLessEqual(abs(best_lag), 1, "no delay after pre-skip")

    def test_ffmpeg_agrees_on_the_length(self):
        wav, opus = self.path("f.wav"), self.path("f.opus")
        sweep(wav, 44100, 1, seconds=4.321)
        run(["encode", wav, opus], check=0)
        # ffmpeg's own Ogg demuxer and decoder, pre-skip and end trimming applied.
        pcm = subprocess.run(["ffmpeg", "-v", "error", "-i", opus, "-f", "f32le", "-ar", "48000", "-"],
                             capture_output=True, check=True).stdout
        self.assertEqual(len(pcm) // 4, expected_48k(frames_of(wav), 44100))

    def test_truncated_file_decodes_up_to_its_last_complete_page(self):
        wav, opus = self.path("long.wav"), self.path("long.opus")
        speech(wav, RU * 3, "ru", 48000)
        run(["encode", wav, opus], check=0)
        with open(opus, "rb") as f:
            blob = f.read()
        rng = np.random.default_rng(7)
        for cut in sorted(rng.integers(len(blob) // 5, len(blob) - 200, size=6)):
            with self.subTest(cut=int(cut)):
                cut_path = self.path("cut.opus")
                with open(cut_path, "wb") as f:
                    f.write(blob[:cut])
                complete = [g for _, end, g, _ in ogg_pages(cut_path) if g > 0]
                self.assertTrue(complete)
                decoded = decode(cut_path, self.path("cut.wav"))
                # Up to the last complete page; the packet torn by the cut may add one frame.
                self.assertGreaterEqual(len(decoded), complete[-1] - 312)
                self.assertLessEqual(len(decoded), complete[-1] - 312 + 960)


if __name__ == "__main__":
    unittest.main()
