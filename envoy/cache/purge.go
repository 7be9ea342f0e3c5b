package cache

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/redis/rueidis"
)

// Index kinds, the prefix of an index name.
const (
	indexTag  = "t:"
	indexPool = "p:"
)

// purgeBatch is how many keys one SCAN/SSCAN step returns and one
// pipeline deletes.
const purgeBatch = 500

// ErrBadPattern wraps a purge pattern that is not a valid regular
// expression.
var ErrBadPattern = errors.New("bad purge pattern")

// Purge deletes every entry with a tag matching pattern, the regular
// expression Magento sends in X-Magento-Tags-Pattern, and returns how many
// entries it deleted. ".*" deletes everything the cache holds.
//
// Varnish matches the pattern against an object's whole comma-joined tag
// list; this cache indexes single tags, so a pattern is matched against
// each tag. For Magento's patterns, alternatives of ((^|,)TAG(,|$)), that
// is the same thing, and those are looked up directly; any other pattern
// is matched against every tag the cache has seen.
func (s *Service) Purge(ctx context.Context, pattern string) (int, error) {
	n, err := s.purge(ctx, indexTag, pattern)
	s.m.purges.WithLabelValues("api", purgeResult(err)).Inc()
	return n, err
}

func purgeResult(err error) string {
	switch {
	case err == nil:
		return "ok"
	case errors.Is(err, ErrBadPattern):
		return "bad_request"
	}
	return "error"
}

func (s *Service) purge(ctx context.Context, kind, pattern string) (int, error) {
	if pattern == "" {
		return 0, fmt.Errorf("%w: empty", ErrBadPattern)
	}
	if kind == indexTag && pattern == ".*" {
		return s.flushAll(ctx)
	}
	re, err := regexp.Compile(pattern)
	if err != nil {
		return 0, fmt.Errorf("%w: %w", ErrBadPattern, err)
	}
	names, ok := literalTags(pattern)
	if ok {
		for i, t := range names {
			names[i] = kind + t
		}
	} else if names, err = s.matchRegistry(ctx, kind, re); err != nil {
		return 0, err
	}
	total := 0
	for _, name := range names {
		n, err := s.drain(ctx, name)
		total += n
		if err != nil {
			return total, fmt.Errorf("purge %q: %w", name, err)
		}
	}
	s.afterPurge(ctx, total)
	return total, nil
}

func (s *Service) afterPurge(ctx context.Context, n int) {
	s.m.purged.Add(float64(n))
	if n > 0 {
		s.local.flush()
		s.events.publish(ctx, eventFlush)
	}
}

// magentoAlternative is one tag in Magento's purge pattern.
var (
	magentoAlternative = regexp.MustCompile(`\(\(\^\|,\)([A-Za-z0-9_.:-]+)\(,\|\$\)\)`)
	magentoPattern     = regexp.MustCompile(`^` + magentoAlternative.String() + `(\|` + magentoAlternative.String() + `)*$`)
)

// literalTags extracts the tags from a pattern made only of Magento's
// ((^|,)TAG(,|$)) alternatives.
func literalTags(pattern string) ([]string, bool) {
	if !magentoPattern.MatchString(pattern) {
		return nil, false
	}
	var tags []string
	for _, m := range magentoAlternative.FindAllStringSubmatch(pattern, -1) {
		tags = append(tags, m[1])
	}
	return tags, true
}

// matchRegistry lists the index names of one kind whose value re matches.
func (s *Service) matchRegistry(ctx context.Context, kind string, re *regexp.Regexp) ([]string, error) {
	var names []string
	var cursor uint64
	for {
		e, err := s.client.Do(ctx, s.client.B().Sscan().Key(registryKey).Cursor(cursor).Count(purgeBatch).Build()).AsScanEntry()
		if err != nil {
			return nil, fmt.Errorf("scan tag registry: %w", err)
		}
		for _, n := range e.Elements {
			if v, ok := strings.CutPrefix(n, kind); ok && re.MatchString(v) {
				names = append(names, n)
			}
		}
		if cursor = e.Cursor; cursor == 0 {
			return names, nil
		}
	}
}

// drain deletes the entries one index lists and removes them from it;
// members added meanwhile stay. It returns how many entries existed.
func (s *Service) drain(ctx context.Context, name string) (int, error) {
	ik := indexPrefix + name
	total := 0
	var cursor uint64
	for {
		e, err := s.client.Do(ctx, s.client.B().Sscan().Key(ik).Cursor(cursor).Count(purgeBatch).Build()).AsScanEntry()
		if err != nil {
			return total, err
		}
		if len(e.Elements) > 0 {
			n, err := s.unlink(ctx, e.Elements)
			total += n
			if err != nil {
				return total, err
			}
			if err := s.client.Do(ctx, s.client.B().Srem().Key(ik).Member(e.Elements...).Build()).Error(); err != nil {
				return total, err
			}
		}
		if cursor = e.Cursor; cursor == 0 {
			return total, nil
		}
	}
}

// unlink deletes keys one command each (they live in different slots on a
// cluster) and counts the entries among them that existed.
func (s *Service) unlink(ctx context.Context, keys []string) (int, error) {
	cmds := make(rueidis.Commands, len(keys))
	for i, k := range keys {
		cmds[i] = s.client.B().Unlink().Key(k).Build()
	}
	n := 0
	for i, r := range s.client.DoMulti(ctx, cmds...) {
		c, err := r.AsInt64()
		if err != nil {
			return n, err
		}
		if strings.HasPrefix(keys[i], entryPrefix) {
			n += int(c)
		}
	}
	return n, nil
}

// flushAll deletes every key of the cache on every node, like Magento's
// full flush does to Varnish. Keys seen on a replica are deleted through
// their master; a second sighting counts nothing.
func (s *Service) flushAll(ctx context.Context) (int, error) {
	total := 0
	for addr, node := range s.client.Nodes() {
		var cursor uint64
		for {
			e, err := node.Do(ctx, node.B().Scan().Cursor(cursor).Match(keyPrefix+"*").Count(purgeBatch).Build()).AsScanEntry()
			if err != nil {
				return total, fmt.Errorf("flush: scan %s: %w", addr, err)
			}
			n, err := s.unlink(ctx, e.Elements)
			total += n
			if err != nil {
				return total, fmt.Errorf("flush: %w", err)
			}
			if cursor = e.Cursor; cursor == 0 {
				break
			}
		}
	}
	s.afterPurge(ctx, total)
	return total, nil
}
