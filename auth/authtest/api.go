package authtest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
)

// The services behind the tokens, as the gateway (ui/gateway) reaches
// them: a Clio-like API and a Claude wrapper stand-in.
const (
	// PathClioMatters is a paginated Clio list, as Clio's API v4 pages:
	// data, and meta.paging.next / previous as absolute URLs. It needs a
	// valid Bearer token (401 otherwise, as Clio answers an expired one).
	PathClioMatters = "/api/v4/matters.json"
	// PathWrapperMessages is the stateless Claude wrapper's call (the
	// Anthropic document): POST a JSON body whose oauth_credentials carry
	// a valid access token, else 400 (none) or 401 "Invalid API key"; with
	// "stream": true the answer is server-sent events.
	PathWrapperMessages = "/v1/messages"
)

// Matters is how many matters PathClioMatters lists; a page holds the
// query's limit (default 10).
const Matters = 25

// APICalls returns how many calls PathClioMatters and PathWrapperMessages
// served with a valid token, and how many they refused for want of one.
func (s *Server) APICalls() (served, refused int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.apiServed, s.apiRefused
}

// HoldStreams makes the wrapper's streamed answers stop after their first
// event until release is called (once), so that a test can see that event
// arrive before the answer has ended.
func (s *Server) HoldStreams() (release func()) {
	hold := make(chan struct{})
	s.mu.Lock()
	s.streamHold = hold
	s.mu.Unlock()
	return func() { close(hold) }
}

func (s *Server) clioMatters(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	_, ok := s.bearer(r)
	if !ok {
		s.apiRefused++
	} else {
		s.apiServed++
	}
	s.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"error": map[string]any{"type": "AuthenticationError", "message": "The access token is invalid or expired"}})
		return
	}
	q := r.URL.Query()
	limit, err := strconv.Atoi(q.Get("limit"))
	if err != nil || limit <= 0 {
		limit = 10
	}
	from, _ := strconv.Atoi(q.Get("page_token"))
	from = max(0, min(from, Matters))
	var data []map[string]any
	for i := from; i < min(from+limit, Matters); i++ {
		data = append(data, map[string]any{"id": 1000 + i, "display_number": fmt.Sprintf("%05d-Matter", i+1)})
	}
	page := func(at int) string {
		return fmt.Sprintf("%s%s?limit=%d&page_token=%d", s.URL, PathClioMatters, limit, at)
	}
	paging := map[string]any{}
	if from+limit < Matters {
		paging["next"] = page(from + limit)
	}
	if from > 0 {
		paging["previous"] = page(max(0, from-limit))
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": data, "meta": map[string]any{"records": Matters, "paging": paging}})
}

func (s *Server) wrapperMessages(w http.ResponseWriter, r *http.Request) {
	var call struct {
		Creds *struct {
			AccessToken string `json:"access_token"`
		} `json:"oauth_credentials"`
		Stream bool `json:"stream"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<20)).Decode(&call); err != nil || call.Creds == nil {
		writeJSON(w, http.StatusBadRequest, map[string]any{"error": "oauth_credentials is required"})
		return
	}
	s.mu.Lock()
	_, _, err := s.provider.IntrospectToken(r.Context(), call.Creds.AccessToken, "access_token", s.session())
	if err != nil {
		s.apiRefused++
	} else {
		s.apiServed++
	}
	hold := s.streamHold
	s.mu.Unlock()
	if err != nil {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"type": "error",
			"error": map[string]any{"type": "authentication_error", "message": "Invalid API key · Please run /login"}})
		return
	}
	if !call.Stream {
		writeJSON(w, http.StatusOK, map[string]any{"id": "msg_1", "type": "message", "role": "assistant",
			"content": []map[string]any{{"type": "text", "text": "Hello from the wrapper stand-in."}}})
		return
	}
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusOK)
	flush := func(event, data string) {
		fmt.Fprintf(w, "event: %s\ndata: %s\n\n", event, data)
		w.(http.Flusher).Flush()
	}
	flush("message_start", `{"type":"message_start","message":{"id":"msg_1"}}`)
	if hold != nil {
		select {
		case <-hold:
		case <-r.Context().Done():
			return
		}
	}
	flush("content_block_delta", `{"type":"content_block_delta","delta":{"type":"text_delta","text":"Hello"}}`)
	flush("message_stop", `{"type":"message_stop"}`)
}
