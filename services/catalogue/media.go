package catalogue

import (
	"fmt"
	"strings"
)

// gallery returns count images, and a video when asked, named after the sku
// and variant color the way Luma names them: /m/b/mb01-black-0.jpg.
func (g *generator) gallery(sku, color, name string, count int, video bool) []MediaEntry {
	base := strings.ToLower(sku[strings.LastIndex(sku, "-")+1:])
	if color != "" {
		base += "-" + color
	}
	dir := "/" + base[:1] + "/" + base[1:2] + "/"
	entries := make([]MediaEntry, 0, count+1)
	for i := range count {
		g.mediaID++
		e := MediaEntry{
			ID: g.mediaID, MediaType: "image", Position: i + 1, Types: []string{},
			File: fmt.Sprintf("%s%s-%d.jpg", dir, base, i),
		}
		if i == 0 {
			e.Types = []string{"image", "small_image", "thumbnail"}
			if g.rng.IntN(2) == 0 {
				label := name
				e.Label = &label
			}
		}
		entries = append(entries, e)
	}
	if video {
		g.mediaID++
		title := name + " – how to use it"
		entries = append(entries, MediaEntry{
			ID: g.mediaID, MediaType: "external-video", Label: &title, Position: count + 1,
			Types: []string{}, File: dir + base + "-video.jpg",
			ExtensionAttributes: MediaExtension{VideoContent: &VideoContent{
				MediaType: "external-video", VideoProvider: "youtube",
				VideoURL:   "https://www.youtube.com/watch?v=" + g.videoID(),
				VideoTitle: title, VideoDescription: "<p>A short film about the " + name + ".</p>",
			}},
		})
	}
	return entries
}

func (g *generator) videoID() string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	b := make([]byte, 11)
	for i := range b {
		b[i] = alphabet[g.rng.IntN(len(alphabet))]
	}
	return string(b)
}
