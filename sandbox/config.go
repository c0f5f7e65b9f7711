package sandbox

import (
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Default credentials of the sandbox's single account when Config.Accounts
// is empty.
const (
	DefaultAccessToken = "sandbox-access-token"
	DefaultSecretKey   = "sandbox-secret-key"
)

// DefaultEventInterval is how often live events are generated while a
// websocket is open or an active trigger subscription exists.
const DefaultEventInterval = 2 * time.Second

// Account is one set of credentials the sandbox accepts. Areas, when not
// empty, lists the endpoint areas the account may use, and requests to the
// others get 403. The areas are companies, people, events, documents,
// subscriptions and websocket.
type Account struct {
	AccessToken string
	SecretKey   string
	Areas       []string
}

// Config configures a Server.
type Config struct {
	// DBPath is the SQLite file; ":memory:" keeps the data in memory.
	DBPath string
	// Seed drives the deterministic data generator.
	Seed int64
	// Scale multiplies the seeded row counts; zero means 1 (500 companies,
	// 10,000 people, 50,000 events, 5,000 documents). Tests use a small scale.
	Scale float64
	// Accounts lists the accepted credentials; empty means the default
	// account.
	Accounts []Account
	// EventInterval is the live event generation period; zero means
	// DefaultEventInterval.
	EventInterval time.Duration
	// CallbackAllow names hosts besides loopback that callbacks may reach.
	CallbackAllow []string
	// Faults are the faults injected from the start.
	Faults FaultConfig
	// PingInterval and PongTimeout govern websocket keep-alive; zero means
	// 30 s and 60 s.
	PingInterval time.Duration
	PongTimeout  time.Duration
	// CallbackRetryDelay is the wait before the first callback retry, doubled
	// for each later one; zero means 500 ms.
	CallbackRetryDelay time.Duration
	// Logger receives the server's log lines; nil means slog.Default().
	Logger *slog.Logger
}

// ConfigFromEnv reads the configuration from SANDBOX_DB, SANDBOX_SEED,
// SANDBOX_SCALE, SANDBOX_ACCOUNTS, SANDBOX_EVENT_INTERVAL,
// SANDBOX_CALLBACK_ALLOW and the fault variables (see FaultConfigFromEnv).
// SANDBOX_DB defaults to sandbox.db in the cognism-sandbox folder of the
// user's cache directory.
func ConfigFromEnv() (Config, error) {
	cfg := Config{DBPath: os.Getenv("SANDBOX_DB"), Seed: 1}
	if cfg.DBPath == "" {
		dir, err := os.UserCacheDir()
		if err != nil {
			return Config{}, fmt.Errorf("SANDBOX_DB is not set and the cache directory is unknown: %w", err)
		}
		cfg.DBPath = filepath.Join(dir, "cognism-sandbox", "sandbox.db")
	}

	var err error
	if v := os.Getenv("SANDBOX_SEED"); v != "" {
		if cfg.Seed, err = strconv.ParseInt(v, 10, 64); err != nil {
			return Config{}, fmt.Errorf("invalid SANDBOX_SEED %q: expected an integer", v)
		}
	}
	if v := os.Getenv("SANDBOX_SCALE"); v != "" {
		cfg.Scale, err = strconv.ParseFloat(v, 64)
		if err != nil || cfg.Scale <= 0 {
			return Config{}, fmt.Errorf("invalid SANDBOX_SCALE %q: expected a positive number such as 0.1", v)
		}
	}
	if cfg.Accounts, err = ParseAccounts(os.Getenv("SANDBOX_ACCOUNTS")); err != nil {
		return Config{}, err
	}
	if v := os.Getenv("SANDBOX_EVENT_INTERVAL"); v != "" {
		cfg.EventInterval, err = time.ParseDuration(v)
		if err != nil || cfg.EventInterval <= 0 {
			return Config{}, fmt.Errorf("invalid SANDBOX_EVENT_INTERVAL %q: expected a duration such as 2s or 50ms", v)
		}
	}
	cfg.CallbackAllow = splitList(os.Getenv("SANDBOX_CALLBACK_ALLOW"))
	if cfg.Faults, err = FaultConfigFromEnv(); err != nil {
		return Config{}, err
	}
	return cfg, nil
}

// ParseAccounts reads a SANDBOX_ACCOUNTS value: comma-separated
// token:secret pairs, each optionally followed by :area+area to limit the
// account to those endpoint areas. An empty value returns nil.
func ParseAccounts(v string) ([]Account, error) {
	var accounts []Account
	for _, item := range splitList(v) {
		parts := strings.Split(item, ":")
		if len(parts) < 2 || len(parts) > 3 || parts[0] == "" || parts[1] == "" {
			return nil, fmt.Errorf("invalid SANDBOX_ACCOUNTS entry %q: expected token:secret or token:secret:area+area", item)
		}
		acct := Account{AccessToken: parts[0], SecretKey: parts[1]}
		if len(parts) == 3 {
			for _, area := range strings.Split(parts[2], "+") {
				if !knownArea(area) {
					return nil, fmt.Errorf("invalid SANDBOX_ACCOUNTS area %q: expected one of %s", area, strings.Join(areas, ", "))
				}
				acct.Areas = append(acct.Areas, area)
			}
		}
		accounts = append(accounts, acct)
	}
	return accounts, nil
}

// areas are the endpoint groups an Account can be limited to.
var areas = []string{"companies", "people", "events", "documents", "subscriptions", "websocket"}

func knownArea(area string) bool {
	for _, a := range areas {
		if a == area {
			return true
		}
	}
	return false
}

// splitList splits a comma-separated value and drops empty items.
func splitList(v string) []string {
	var out []string
	for _, item := range strings.Split(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// withDefaults fills the zero fields of cfg.
func (cfg Config) withDefaults() Config {
	if cfg.DBPath == "" {
		cfg.DBPath = ":memory:"
	}
	if cfg.Scale <= 0 {
		cfg.Scale = 1
	}
	if len(cfg.Accounts) == 0 {
		cfg.Accounts = []Account{{AccessToken: DefaultAccessToken, SecretKey: DefaultSecretKey}}
	}
	if cfg.EventInterval <= 0 {
		cfg.EventInterval = DefaultEventInterval
	}
	if cfg.PingInterval <= 0 {
		cfg.PingInterval = 30 * time.Second
	}
	if cfg.PongTimeout <= 0 {
		cfg.PongTimeout = 60 * time.Second
	}
	if cfg.CallbackRetryDelay <= 0 {
		cfg.CallbackRetryDelay = 500 * time.Millisecond
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return cfg
}
