package graph

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strconv"

	"golang.org/x/sync/singleflight"

	"github.com/cognism/graphql-gateway/internal/stack"
)

// maxSharedBody is the largest upstream body a shared GET holds in memory,
// the cognism client's own limit, which rejects larger bodies.
const maxSharedBody = 64 << 20

// ShareConcurrentGets wraps an HTTP transport so that identical GET
// requests in flight at the same time, from any GraphQL requests, are sent
// upstream once and all receive the response. Requests are identical when
// their URL, Accept header and credential headers match. Credentials sent
// in the URL are part of it, so no response reaches a caller with other
// credentials. A nil base means NewUpstreamTransport().
func ShareConcurrentGets(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = NewUpstreamTransport()
	}
	return &sharedGets{base: base}
}

type sharedGets struct {
	base  http.RoundTripper
	group singleflight.Group
}

// bufferedResponse is a response read in full, which each waiting request
// gets a copy of.
type bufferedResponse struct {
	resp *http.Response
	body []byte
}

// RoundTrip joins the identical GET in flight, or sends req and shares its
// response. A caller whose context ends stops waiting without ending the
// call for the others.
func (t *sharedGets) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || req.Header.Get("Upgrade") != "" {
		return t.base.RoundTrip(req)
	}

	result := t.group.DoChan(sharedKey(req), func() (any, error) {
		// DoChan runs this in a new goroutine, which makes the upstream
		// call, deep in net/http.
		stack.Grow()
		return t.send(req)
	})
	select {
	case r := <-result:
		if r.Err != nil {
			return nil, r.Err
		}
		buffered := r.Val.(*bufferedResponse)
		if !r.Shared {
			return buffered.own(req), nil
		}
		return buffered.copyFor(req), nil
	case <-req.Context().Done():
		closeBody(req)
		return nil, req.Context().Err()
	}
}

// send sends req on a context that its caller's cancellation does not end,
// with the same deadline, and reads the whole body.
func (t *sharedGets) send(req *http.Request) (*bufferedResponse, error) {
	ctx := context.WithoutCancel(req.Context())
	if deadline, ok := req.Context().Deadline(); ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithDeadline(ctx, deadline)
		defer cancel()
	}

	resp, err := t.base.RoundTrip(req.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()

	// A longer body is cut one byte past the limit, so the client sees it
	// is too large and reports that instead of a network failure.
	body := bytes.NewBuffer(make([]byte, 0, bufferSize(resp.ContentLength, maxSharedBody)))
	if _, err := body.ReadFrom(io.LimitReader(resp.Body, maxSharedBody+1)); err != nil {
		return nil, err
	}
	return &bufferedResponse{resp: resp, body: body.Bytes()}, nil
}

// unknownLengthBuffer is the room first made for a body of unknown length.
// net/http servers declare the length of short bodies themselves and send
// longer ones in chunks, so such a body is rarely under 2 KiB.
const unknownLengthBuffer = 8 << 10

// bufferSize is the room to read a body of the announced length into in
// one go, or unknownLengthBuffer when the length is unknown or over limit.
func bufferSize(length, limit int64) int {
	if length < 0 || length > limit {
		return unknownLengthBuffer
	}
	return int(length) + bytes.MinRead
}

// own returns the response itself for req, the only request that waited
// for it.
func (s *bufferedResponse) own(req *http.Request) *http.Response {
	resp := s.resp
	resp.Body = io.NopCloser(bytes.NewReader(s.body))
	resp.ContentLength = int64(len(s.body))
	resp.Request = req
	return resp
}

// copyFor returns a copy of the response for req, with its own body reader
// and header map.
func (s *bufferedResponse) copyFor(req *http.Request) *http.Response {
	resp := *s.resp
	resp.Header = s.resp.Header.Clone()
	resp.Body = io.NopCloser(bytes.NewReader(s.body))
	resp.ContentLength = int64(len(s.body))
	resp.Request = req
	return &resp
}

// sharedKey identifies the requests that may share one response: the URL,
// the Accept header and the credential headers. The URL goes in as the
// fields a request is written from, because that is cheaper than printing
// it, and two requests whose fields all match send the same URL. Each part
// is preceded by its length, so no part can run into the next.
func sharedKey(req *http.Request) string {
	u := req.URL
	user := ""
	if u.User != nil {
		user = u.User.String()
	}
	parts := []string{
		u.Scheme, u.Opaque, user, u.Host, u.Path, u.RawPath, u.RawQuery,
		req.Header.Get("Accept"), req.Header.Get("X-API-AccessToken"),
		req.Header.Get("X-API-SecretKey"), req.Header.Get("Authorization"),
	}
	size := 0
	for _, part := range parts {
		size += len(part) + 4
	}
	key := make([]byte, 0, size)
	for _, part := range parts {
		key = strconv.AppendInt(key, int64(len(part)), 10)
		key = append(append(key, ':'), part...)
	}
	return string(key)
}
