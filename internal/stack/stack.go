// Package stack grows a goroutine's stack before a deep call chain needs
// it, while copying the stack is still cheap.
package stack

// frameSize is the size of Grow's frame. A stack smaller than 8 KiB has
// to grow to 8 KiB to fit it together with the runtime's guard area.
const frameSize = 5 << 10

// index is read at run time, so the compiler keeps the whole frame.
var index int

// Grow makes the calling goroutine's stack at least 8 KiB. Its result is
// a byte of its frame, returned only so that the frame counts as used.
//
// A goroutine starts with a small stack: 2 KiB, or the average stack size
// the runtime measured at its last garbage collection. When a call does not
// fit, the runtime allocates a stack twice the size, copies the old one
// and adjusts every frame on it. An upstream call through net/http runs
// about 4 KiB deep, so its goroutine would be copied once or twice with a
// dozen frames on the stack. Called first in such a goroutine, Grow has
// the copy made with one frame on the stack.
//
//go:noinline
func Grow() byte {
	var frame [frameSize]byte
	return frame[index]
}
