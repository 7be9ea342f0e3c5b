package diff

// Noise model. Some fields differ even between two answers of the legacy
// system itself (timestamps, stock counts moving between calls, random ids).
// So, per field template, we keep two counters: raw, how often the candidate
// differed from legacy over total comparisons, and noise, how often a second
// legacy answer differed from the first over noiseTotal legacy-vs-legacy
// comparisons. The noise sample is a small share of traffic, so each count is
// turned into a rate over its own total before they are compared. A field is
// a real regression only if its raw rate is above its noise rate by a clear
// margin, both relative to the two rates and in absolute percentage points.

// Thresholds for Classify, in percent.
type Thresholds struct {
	Relative float64 // (raw-noise)/(raw+noise) must exceed this, in percent
	Absolute float64 // raw-noise must exceed this, in percentage points
}

// DefaultThresholds are 20 % relative and 0.03 percentage points absolute.
var DefaultThresholds = Thresholds{Relative: 20, Absolute: 0.03}

// Verdict is Classify's answer with the figures behind it, for reports.
type Verdict struct {
	Real      bool
	RawRate   float64 // percent of compared pairs where the field differed
	NoiseRate float64 // percent of legacy-vs-legacy pairs where it differed
	Relative  float64 // percent; 0 when both rates are 0
	Absolute  float64 // RawRate - NoiseRate, percentage points
}

// Classify decides whether a field's raw differences stand out from its
// noise. Without noise comparisons (noiseTotal 0) the noise rate counts as 0,
// so every field above the absolute threshold is real. Margins are strict: a
// value equal to a threshold is not enough.
func Classify(raw, noise, total, noiseTotal int64, th Thresholds) Verdict {
	var v Verdict
	if total > 0 {
		v.RawRate = 100 * float64(raw) / float64(total)
	}
	if noiseTotal > 0 {
		v.NoiseRate = 100 * float64(noise) / float64(noiseTotal)
	}
	v.Absolute = v.RawRate - v.NoiseRate
	if sum := v.RawRate + v.NoiseRate; sum > 0 {
		v.Relative = 100 * v.Absolute / sum
	}
	v.Real = v.RawRate > v.NoiseRate && v.Relative > th.Relative && v.Absolute > th.Absolute
	return v
}
