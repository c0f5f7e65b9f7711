package sandbox

import (
	"io"
	"net/http"
	"sync"

	json "github.com/goccy/go-json"
)

// stats counts API requests per endpoint template.
type stats struct {
	mu        sync.Mutex
	total     int64
	endpoints map[string]int64
}

// Stats is the body of GET /_sandbox/stats.
type Stats struct {
	Total     int64            `json:"total"`
	Endpoints map[string]int64 `json:"endpoints"`
}

func newStats() *stats {
	return &stats{endpoints: map[string]int64{}}
}

func (st *stats) count(template string) {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.total++
	st.endpoints[template]++
}

func (st *stats) snapshot() Stats {
	st.mu.Lock()
	defer st.mu.Unlock()
	out := Stats{Total: st.total, Endpoints: make(map[string]int64, len(st.endpoints))}
	for k, v := range st.endpoints {
		out.Endpoints[k] = v
	}
	return out
}

func (st *stats) reset() {
	st.mu.Lock()
	defer st.mu.Unlock()
	st.total = 0
	st.endpoints = map[string]int64{}
}

// Stats returns the request counters, as GET /_sandbox/stats does.
func (s *Server) Stats() Stats {
	return s.stats.snapshot()
}

// SetFaults replaces the injected faults, as POST /_sandbox/faults does.
func (s *Server) SetFaults(cfg FaultConfig) error {
	if err := cfg.validate(); err != nil {
		return err
	}
	s.faults.set(cfg)
	return nil
}

func (s *Server) handleStatsGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.stats.snapshot())
}

func (s *Server) handleStatsReset(w http.ResponseWriter, r *http.Request) {
	s.stats.reset()
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleFaultsGet(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.faults.get())
}

// handleFaultsSet replaces every fault setting with the JSON body; fields
// left out are switched off, so {} clears all faults.
func (s *Server) handleFaultsSet(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "reading the body failed: "+err.Error())
		return
	}
	if !json.Valid(body) {
		writeError(w, http.StatusNotAcceptable, "body is not JSON: expected an object such as "+
			`{"latency":"50ms-200ms","errorRate":0.1,"errorStatus":503,"rateLimit":5,"websocketDropAfter":3}`)
		return
	}
	var cfg FaultConfig
	if err := json.Unmarshal(body, &cfg); err != nil {
		writeError(w, http.StatusBadRequest, "invalid faults: "+err.Error())
		return
	}
	s.faults.set(cfg)
	s.log.Info("sandbox faults changed", "faults", string(body))
	writeJSON(w, http.StatusOK, cfg)
}
