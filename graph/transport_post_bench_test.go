package graph

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/transport"

	"github.com/cognism/graphql-gateway/cognism"
	"github.com/cognism/graphql-gateway/sandbox"
)

// BenchmarkLargeResponse times a document search whose response is about
// 110 KB through gqlgen's POST transport and through postTransport, with
// the sandbox's upstream call included in both.
func BenchmarkLargeResponse(b *testing.B) {
	quiet := slog.New(slog.NewTextHandler(io.Discard, nil))
	sb, err := sandbox.New(context.Background(), sandbox.Config{
		DBPath: ":memory:", Seed: 1, Scale: 0.2, Logger: quiet,
	})
	if err != nil {
		b.Fatal(err)
	}
	defer sb.Close()
	api := httptest.NewServer(sb.Handler())
	defer api.Close()
	client, err := cognism.NewClient(api.URL, cognism.WithRetryPolicy(cognism.NoRetry))
	if err != nil {
		b.Fatal(err)
	}
	cfg, err := (&Config{
		Client: client, Logger: quiet,
		DefaultCredentials: cognism.Credentials{
			AccessToken: sandbox.DefaultAccessToken, SecretKey: sandbox.DefaultSecretKey,
		},
	}).withDefaults()
	if err != nil {
		b.Fatal(err)
	}
	const query = `{"query": "{ documents(search: {sources: [\"Reuters\", \"Bloomberg\", \"BBC News\"]}) ` +
		`{ documents { id externalId headline subHeadline abstract url date author source ` +
		`annotations { kind label } photos videos entities { type value relevance } ` +
		`quotations { speakerName speakerTitle speakerOrganization quotation } } } }"}`

	for _, c := range []struct {
		name      string
		transport graphql.Transport
	}{
		{"gqlgen", transport.POST{}},
		{"direct", postTransport{logger: quiet}},
	} {
		srv := handler.New(NewExecutableSchema(cfg))
		srv.AddTransport(c.transport)
		h := requestMiddleware(cfg, srv)
		b.Run(c.name, func(b *testing.B) {
			size := 0
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/query", strings.NewReader(query))
				req.Header.Set("Content-Type", "application/json")
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || strings.Contains(rec.Body.String(), `"errors"`) {
					b.Fatalf("status %d: %.300s", rec.Code, rec.Body.String())
				}
				size = rec.Body.Len()
			}
			b.ReportMetric(float64(size), "response-bytes")
		})
	}
}
