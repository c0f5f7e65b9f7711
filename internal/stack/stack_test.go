package stack

import (
	"sync"
	"testing"
	"unsafe"
)

// depthBytes is about how deep an upstream call through net/http runs.
const depthBytes = 4 << 10

// descend calls itself until about the given number of bytes of stack are
// in use, and returns how many frames it used.
//
//go:noinline
func descend(bytes int) int {
	var frame [256]byte
	frame[index] = 1
	if bytes <= len(frame) {
		return int(frame[index])
	}
	return int(frame[index]) + descend(bytes-len(frame))
}

// TestGrowMakesRoomForDeepCall checks that a call chain as deep as an
// upstream call runs after Grow without the runtime moving the stack. A
// moved stack gives a local variable a new address.
func TestGrowMakesRoomForDeepCall(t *testing.T) {
	var wg sync.WaitGroup
	moved := make([]bool, 64)
	for i := range moved {
		wg.Go(func() {
			Grow()
			var local byte
			before := uintptr(unsafe.Pointer(&local))
			descend(depthBytes)
			moved[i] = uintptr(unsafe.Pointer(&local)) != before
		})
	}
	wg.Wait()

	for i, m := range moved {
		if m {
			t.Errorf("goroutine %d: stack moved during a %d-byte call chain after Grow", i, depthBytes)
		}
	}
}

// BenchmarkDeepCall runs a call chain about as deep as an upstream call in
// new goroutines, with and without growing their stacks first.
func BenchmarkDeepCall(b *testing.B) {
	for _, grow := range []bool{false, true} {
		name := "fresh"
		if grow {
			name = "grown"
		}
		b.Run(name, func(b *testing.B) {
			var wg sync.WaitGroup
			for b.Loop() {
				wg.Go(func() {
					if grow {
						Grow()
					}
					descend(depthBytes)
				})
				wg.Wait()
			}
		})
	}
}
