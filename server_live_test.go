package main

import (
	"strings"
	"testing"
)

func TestLiveLimitsFromEnv(t *testing.T) {
	cases := []struct {
		name    string
		env     map[string]string
		want    liveLimits
		wantErr string
	}{
		{"unset keeps defaults", nil, liveLimits{}, ""},
		{
			"all set",
			map[string]string{
				"LIVE_MAX_STREAMS_PER_CREDENTIAL": "5",
				"LIVE_MAX_STREAMS":                "-1",
				"LIVE_MAX_SOCKET_OPERATIONS":      "20",
			},
			liveLimits{streamsPerCredential: 5, streams: -1, socketOperations: 20},
			"",
		},
		{"zero", map[string]string{"LIVE_MAX_STREAMS": "0"}, liveLimits{}, "invalid LIVE_MAX_STREAMS"},
		{"not a number", map[string]string{"LIVE_MAX_STREAMS_PER_CREDENTIAL": "many"}, liveLimits{}, "invalid LIVE_MAX_STREAMS_PER_CREDENTIAL"},
		{"no limit on operations", map[string]string{"LIVE_MAX_SOCKET_OPERATIONS": "-1"}, liveLimits{}, "invalid LIVE_MAX_SOCKET_OPERATIONS"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for _, name := range []string{"LIVE_MAX_STREAMS_PER_CREDENTIAL", "LIVE_MAX_STREAMS", "LIVE_MAX_SOCKET_OPERATIONS"} {
				t.Setenv(name, tc.env[name])
			}
			got, err := liveLimitsFromEnv()
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want one containing %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("limits = %+v, want %+v", got, tc.want)
			}
		})
	}
}
