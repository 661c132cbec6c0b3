"""Tags written by `crosstalk encode`, read back by ffprobe and mutagen:
Cyrillic, emoji and XML specials exact; the cover survives byte for byte."""
import json
import unittest

from mutagen.oggopus import OggOpus

from support import TempDirTest, png, run, speech, tool

TITLE = "Голос врага №7: «победы» & <провалы> \"кавычки\" 'апостроф' 🎙️🚀"
HOST = "Анна-Мария О'Нил & Co"
DESCRIPTION = "Маркетинг отвечает продажам.\nLine two: <b>not bold</b> & done 😀"


class Tags(TempDirTest):
    def encode(self, *extra):
        wav, opus, cover = self.path("in.wav"), self.path("out.opus"), self.path("cover.png")
        speech(wav, "Проверка тегов.", "ru", 48000)
        self.cover_bytes = png(cover, 96, 80)
        run(["encode", wav, opus, "--title", TITLE, "--artist", HOST, "--album", "Голос врага",
             "--track", 7, "--date", "2026-12-01", "--description", DESCRIPTION,
             "--language", "ru", "--department", "sales", "--cover", cover, *extra], check=0)
        self.assertOpusinfoClean(opus)
        return opus

    def test_mutagen_reads_every_tag_and_the_cover(self):
        opus = self.encode()
        f = OggOpus(opus)
        want = {"title": TITLE, "artist": HOST, "album": "Голос врага", "tracknumber": "7",
                "date": "2026-12-01", "genre": "Podcast", "description": DESCRIPTION,
                "language": "ru", "department": "sales"}
        for key, value in want.items():
            self.assertEqual(f[key], [value], key)
        self.assertTrue(f["encoder"][0].startswith("crosstalk "))
        from mutagen.flac import Picture
        import base64
        pictures = [Picture(base64.b64decode(b)) for b in f["metadata_block_picture"]]
        self.assertEqual(len(pictures), 1)
        self.assertEqual(pictures[0].type, 3)  # front cover
        self.assertEqual(pictures[0].mime, "image/png")
        self.assertEqual((pictures[0].width, pictures[0].height), (96, 80))
        self.assertEqual(pictures[0].data, self.cover_bytes)
        self.assertAlmostEqual(f.info.length, 1.0, delta=2.0)

    def test_ffprobe_reads_the_tags(self):
        opus = self.encode()
        out = tool(["ffprobe", "-v", "error", "-show_streams", "-of", "json", opus]).stdout
        tags = {k.lower(): v for k, v in json.loads(out)["streams"][0]["tags"].items()}
        self.assertEqual(tags["title"], TITLE)
        self.assertEqual(tags["artist"], HOST)
        self.assertEqual(tags["comment"], DESCRIPTION)  # ffmpeg's name for DESCRIPTION
        self.assertEqual(tags["department"], "sales")
        self.assertEqual(tags["track"], "7")  # ffmpeg's name for TRACKNUMBER

    def test_a_stereo_bitrate_choice_keeps_tags(self):
        opus = self.encode("--channels", 2, "--bitrate", 48)
        self.assertEqual(OggOpus(opus)["title"], [TITLE])


if __name__ == "__main__":
    unittest.main()
