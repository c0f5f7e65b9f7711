package sandbox

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

// Callback delivery: each attempt times out after callbackTimeout, and a
// failed delivery is tried callbackAttempts times in all, waiting
// Config.CallbackRetryDelay before the first retry and doubling the wait
// each time.
const (
	callbackAttempts = 5
	callbackTimeout  = 10 * time.Second
)

// newCallbackClient returns the HTTP client of callback deliveries. It
// dials only loopback addresses, unless allowed reports the host name as
// listed, and it follows no redirects, so a callback cannot be steered
// elsewhere.
func newCallbackClient(allowed func(host string) bool) *http.Client {
	dialer := &net.Dialer{Timeout: 5 * time.Second}
	transport := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			ip := net.ParseIP(host)
			if ip == nil || !ip.IsLoopback() {
				if !allowed(host) || strings.EqualFold(host, "localhost") {
					return loopbackDial(ctx, dialer, network, host, port)
				}
			}
			return dialer.DialContext(ctx, network, addr)
		},
		MaxIdleConnsPerHost: 4,
		IdleConnTimeout:     30 * time.Second,
	}
	return &http.Client{
		Transport: transport,
		Timeout:   callbackTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// loopbackDial resolves host and dials the first of its addresses that is a
// loopback address, failing when it has none.
func loopbackDial(ctx context.Context, dialer *net.Dialer, network, host, port string) (net.Conn, error) {
	addrs, err := net.DefaultResolver.LookupIPAddr(ctx, host)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if a.IP.IsLoopback() {
			return dialer.DialContext(ctx, network, net.JoinHostPort(a.IP.String(), port))
		}
	}
	return nil, fmt.Errorf("callback host %s is not a loopback address and is not in SANDBOX_CALLBACK_ALLOW", host)
}

// deliver sends an event to a subscription's callback, retrying with
// backoff until a 2xx response, the attempts run out or the server closes.
func (l *live) deliver(sub cognism.Subscription, event []byte) {
	defer l.wg.Done()
	delay := l.s.cfg.CallbackRetryDelay
	var err error
	for attempt := 1; attempt <= callbackAttempts; attempt++ {
		if err = l.sendCallback(sub, event); err == nil {
			return
		}
		if attempt == callbackAttempts {
			break
		}
		l.s.log.Warn("sandbox callback failed; retrying", "subscription", sub.ID, "attempt", attempt,
			"retry_in", delay, "error", err)
		select {
		case <-l.ctx.Done():
			return
		case <-time.After(delay):
		}
		delay *= 2
	}
	if l.ctx.Err() == nil {
		l.s.log.Error("sandbox callback failed; giving up", "subscription", sub.ID,
			"attempts", callbackAttempts, "error", err)
	}
}

// sendCallback makes one delivery attempt with the subscription's method
// and "Name: value" header lines; lines without a colon are not sent.
func (l *live) sendCallback(sub cognism.Subscription, event []byte) error {
	req, err := http.NewRequestWithContext(l.ctx, sub.Callback.Method, sub.Callback.URL, bytes.NewReader(event))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "cognism-sandbox")
	for _, line := range sub.Callback.Headers {
		if name, value, ok := strings.Cut(line, ":"); ok {
			req.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
		}
	}

	resp, err := l.callbacks.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return errors.New("callback returned status " + resp.Status)
	}
	return nil
}
