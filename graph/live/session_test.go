package live_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/cognism/graphql-gateway/cognism"
)

func TestPushToSessionReachesUpstreamSocket(t *testing.T) {
	g := startGateway(t, options{})
	frames := make(chan json.RawMessage, 1)
	stream, err := g.client.JoinWebsocket(context.Background(), "", cognism.WithMessageHandler(func(data json.RawMessage) {
		frames <- data
	}))
	if err != nil {
		t.Fatal(err)
	}
	defer stream.Close()
	go func() {
		for {
			if _, err := stream.Next(context.Background()); err != nil {
				return
			}
		}
	}()

	var out struct{ PushToSession bool }
	g.graphql(t, `mutation($session: String!, $data: JSON!) { pushToSession(session: $session, data: $data) }`,
		map[string]any{"session": stream.SessionID(), "data": map[string]any{"note": "hello"}}, &out)
	if !out.PushToSession {
		t.Fatal("pushToSession returned false")
	}

	select {
	case data := <-frames:
		if string(data) != `{"note":"hello"}` {
			t.Errorf("session received %s, want {\"note\":\"hello\"}", data)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("the pushed data did not reach the websocket session")
	}
}
