package main

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestTreeCPU checks that treeCPU counts a child's CPU time under its
// parent, and that waitIdle returns once the tree is quiet.
func TestTreeCPU(t *testing.T) {
	before, ok := treeCPU(os.Getpid())
	if !ok {
		t.Skip("no /proc to read")
	}
	// A child that counts for about 0.4 s of CPU, then sleeps.
	cmd := exec.Command("sh", "-c", `i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done; sleep 2`)
	if err := cmd.Start(); err != nil {
		t.Skip("no sh:", err)
	}
	defer cmd.Process.Kill()
	var used time.Duration
	for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		now, _ := treeCPU(os.Getpid())
		if used = now - before; used >= 200*time.Millisecond {
			break
		}
	}
	if used < 200*time.Millisecond {
		t.Fatalf("the tree used %v while a child counted for about 0.4 s", used)
	}
	// The child now sleeps: the tree goes quiet within a few quarter seconds.
	start := time.Now()
	waitIdle(os.Getpid(), 10*time.Second)
	if d := time.Since(start); d > 5*time.Second {
		t.Fatalf("waitIdle took %v on a quiet process tree", d)
	}
	if _, ok := treeCPU(1 << 30); ok {
		t.Fatal("treeCPU of a pid that does not exist reported ok")
	}
}
