// The peer for the build benchmark: the npm `podcast` package (2.0.1)
// generating the same feed — same channel fields, same 10,000 items — from
// episodes.json (made by bench/build.sh from the sidecars, untimed), and
// writing it to a file, in one Node process.
const fs = require("fs");
const { Podcast } = require("podcast");

const [, , input, output] = process.argv;
const { show, episodes } = JSON.parse(fs.readFileSync(input, "utf8"));
const feed = new Podcast({
  title: show.title,
  description: show.description,
  feedUrl: show.base_url + "feed.xml",
  siteUrl: show.base_url,
  imageUrl: show.base_url + "cover.jpg",
  author: show.author,
  language: show.language,
  itunesAuthor: show.author,
  itunesOwner: { name: show.author, email: show.owner_email },
  itunesExplicit: false,
  itunesCategory: [{ text: "Business" }],
  itunesImage: show.base_url + "cover.jpg",
  itunesType: "episodic",
  customNamespaces: { podcast: "https://podcastindex.org/namespace/1.0" },
  customElements: [{ "itunes:block": "Yes" }, { "podcast:locked": "yes" }, { "podcast:guid": show.guid }],
});
episodes.sort((a, b) => b.published - a.published || b.number - a.number);
for (const e of episodes) {
  feed.addItem({
    title: e.title,
    description: e.description,
    url: show.base_url + "#episode-" + e.number,
    guid: e.guid,
    categories: [e.department],
    author: e.host,
    date: new Date(e.published * 1000),
    enclosure: { url: show.base_url + "episodes/" + e.file, size: e.size, type: "audio/ogg" },
    itunesDuration: Math.round(e.duration),
    itunesEpisode: e.number,
    itunesEpisodeType: "full",
    customElements: [{ "podcast:person": [{ _attr: { role: "host" } }, e.host] }],
  });
}
fs.writeFileSync(output + ".tmp", feed.buildXml({ indent: "  " }));
fs.renameSync(output + ".tmp", output);
