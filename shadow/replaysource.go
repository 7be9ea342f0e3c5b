package shadow

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
)

// Replay source formats.
const (
	FormatAccessLog = "access-log" // Envoy JSON access log lines (controlplane's format)
	FormatHAR       = "har"        // HTTP Archive 1.2, as browsers export it
)

// source yields the requests of a replay file one by one. total is the
// number of requests when known up front, else 0.
type source interface {
	next() (*request, error) // io.EOF at the end; a *badEntry error for a line to skip
	total() int
}

// badEntry is one unusable line or entry; the replay skips it and goes on.
type badEntry struct{ err error }

func (b *badEntry) Error() string { return b.err.Error() }

func openSource(r io.Reader, format string) (source, error) {
	switch format {
	case FormatAccessLog:
		return newAccessLog(r)
	case FormatHAR:
		return newHAR(r)
	}
	return nil, fmt.Errorf("replay format %q: want %q or %q", format, FormatAccessLog, FormatHAR)
}

// accessLine is the part of an access log line a replay needs. Envoy writes
// null (or "-") for a value it does not have.
type accessLine struct {
	Method    *string `json:"method"`
	Path      *string `json:"path"`
	Authority *string `json:"authority"`
	RequestID *string `json:"x_request_id"`
	UserAgent *string `json:"user_agent"`
}

type accessLog struct {
	sc    *bufio.Scanner
	count int
	line  int
}

// maxLogLine bounds one access log line; Envoy's are a few hundred bytes.
const maxLogLine = 1 << 20

func newAccessLog(r io.Reader) (*accessLog, error) {
	a := &accessLog{}
	// A file can be counted first, so the progress bar knows its end.
	if rs, ok := r.(io.ReadSeeker); ok {
		start, err := rs.Seek(0, io.SeekCurrent)
		if err == nil {
			n, err := countLines(rs)
			if err != nil {
				return nil, fmt.Errorf("access log: %w", err)
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return nil, fmt.Errorf("access log: %w", err)
			}
			a.count = n
		}
	}
	a.sc = bufio.NewScanner(r)
	a.sc.Buffer(make([]byte, 64<<10), maxLogLine)
	return a, nil
}

func countLines(r io.Reader) (int, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), maxLogLine)
	n := 0
	for sc.Scan() {
		if len(bytes.TrimSpace(sc.Bytes())) > 0 {
			n++
		}
	}
	return n, sc.Err()
}

func (a *accessLog) total() int { return a.count }

func (a *accessLog) next() (*request, error) {
	for a.sc.Scan() {
		a.line++
		b := bytes.TrimSpace(a.sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var l accessLine
		if err := json.Unmarshal(b, &l); err != nil {
			return nil, &badEntry{fmt.Errorf("access log line %d: %w", a.line, err)}
		}
		method, path := logValue(l.Method), logValue(l.Path)
		if method == "" || !strings.HasPrefix(path, "/") {
			return nil, &badEntry{fmt.Errorf("access log line %d: no method or path", a.line)}
		}
		req := &request{ID: logValue(l.RequestID), Method: method, URI: path, Host: logValue(l.Authority), Header: http.Header{}}
		if ua := logValue(l.UserAgent); ua != "" {
			req.Header.Set("User-Agent", ua)
		}
		return req, nil
	}
	if err := a.sc.Err(); err != nil {
		return nil, fmt.Errorf("access log line %d: %w", a.line+1, err)
	}
	return nil, io.EOF
}

func logValue(p *string) string {
	if p == nil || *p == "-" {
		return ""
	}
	return *p
}

// harFile is the part of a HAR file a replay needs.
type harFile struct {
	Log struct {
		Entries []struct {
			Request struct {
				Method  string `json:"method"`
				URL     string `json:"url"`
				Headers []struct {
					Name  string `json:"name"`
					Value string `json:"value"`
				} `json:"headers"`
				PostData *struct {
					MimeType string `json:"mimeType"`
					Text     string `json:"text"`
				} `json:"postData"`
			} `json:"request"`
		} `json:"entries"`
	} `json:"log"`
}

type harSource struct {
	reqs []*request
	errs []error // per entry, nil when usable
	i    int
}

func newHAR(r io.Reader) (*harSource, error) {
	var f harFile
	if err := json.NewDecoder(r).Decode(&f); err != nil {
		return nil, fmt.Errorf("HAR: %w", err)
	}
	h := &harSource{}
	for i, e := range f.Log.Entries {
		req, err := harRequest(e.Request.Method, e.Request.URL)
		if err != nil {
			h.reqs, h.errs = append(h.reqs, nil), append(h.errs, fmt.Errorf("HAR entry %d: %w", i, err))
			continue
		}
		for _, hd := range e.Request.Headers {
			switch {
			case strings.HasPrefix(hd.Name, ":"): // HTTP/2 pseudo-headers in browser exports
			case strings.EqualFold(hd.Name, "Host"):
				req.Host = hd.Value
			default:
				req.Header.Add(hd.Name, hd.Value)
			}
		}
		if pd := e.Request.PostData; pd != nil {
			req.Body = []byte(pd.Text)
			if pd.MimeType != "" && req.Header.Get("Content-Type") == "" {
				req.Header.Set("Content-Type", pd.MimeType)
			}
		}
		req.ID = req.Header.Get(requestIDName)
		h.reqs, h.errs = append(h.reqs, req), append(h.errs, nil)
	}
	return h, nil
}

func harRequest(method, raw string) (*request, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if method == "" || u.Host == "" {
		return nil, errors.New("no method or absolute URL")
	}
	return &request{Method: strings.ToUpper(method), URI: u.RequestURI(), Host: u.Host, Header: http.Header{}}, nil
}

func (h *harSource) total() int { return len(h.reqs) }

func (h *harSource) next() (*request, error) {
	if h.i >= len(h.reqs) {
		return nil, io.EOF
	}
	i := h.i
	h.i++
	if h.errs[i] != nil {
		return nil, &badEntry{h.errs[i]}
	}
	return h.reqs[i], nil
}
