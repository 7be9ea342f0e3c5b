//go:build race

package cache

func init() { raceDetector = true }
