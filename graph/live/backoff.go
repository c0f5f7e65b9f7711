package live

import (
	"context"
	"math/rand/v2"
	"time"
)

// Backoff is the reconnect policy: the wait before attempt n (from 1) is a
// random duration between half and all of min(Max, Base * 2^(n-1)).
type Backoff struct {
	Base time.Duration // default 200 ms
	Max  time.Duration // default 30 s
}

func (b *Backoff) setDefaults() {
	if b.Base <= 0 {
		b.Base = 200 * time.Millisecond
	}
	if b.Max <= 0 {
		b.Max = 30 * time.Second
	}
}

// delay returns the jittered wait before reconnect attempt n.
func (b Backoff) delay(attempt int) time.Duration {
	d := b.Max
	if attempt < 32 {
		if exp := b.Base << (attempt - 1); exp > 0 && exp < b.Max {
			d = exp
		}
	}
	half := d / 2
	return half + rand.N(half+1)
}

// sleep waits for d or the end of ctx, whichever comes first.
func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}
