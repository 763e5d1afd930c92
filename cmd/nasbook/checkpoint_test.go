package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A search with -checkpoint killed mid-way (SIGKILL, or Ctrl+C's SIGINT)
// and run again with the same flags prints exactly what an uninterrupted
// run prints; the file from other flags is refused, naming them.
func TestSearchCheckpointSurvivesAKill(t *testing.T) {
	d := nb201Dir(t)
	bin := nasbookBinary(t)
	args := []string{"search", "-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "bo",
		"-budget", "60", "-seeds", "3", "-json", "-q"}
	want, err := exec.Command(bin, args...).Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, sig := range []syscall.Signal{syscall.SIGKILL, syscall.SIGINT} {
		ck := filepath.Join(t.TempDir(), "search.ckpt")
		withCk := append(args, "-checkpoint", ck, "-checkpoint-every", "0")
		cmd := exec.Command(bin, withCk...)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		// Interrupt it in its second run, once a few evaluations are saved.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			var st struct {
				Runs    []json.RawMessage
				Current struct{ History []json.RawMessage }
			}
			if b, err := os.ReadFile(ck); err == nil && json.Unmarshal(b, &st) == nil && len(st.Runs) == 1 && len(st.Current.History) >= 5 {
				break
			}
			if time.Now().After(deadline) {
				cmd.Process.Kill()
				t.Fatalf("no checkpoint of a second run after 2 minutes; stderr:\n%s", stderr.String())
			}
			time.Sleep(5 * time.Millisecond)
		}
		if err := cmd.Process.Signal(sig); err != nil {
			t.Fatal(err)
		}
		err := cmd.Wait()
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			t.Fatalf("%v: the search ended by itself (%v) before it was interrupted", sig, err)
		}
		if sig == syscall.SIGINT && !strings.Contains(stderr.String(), "run the same command to resume it") {
			t.Errorf("after Ctrl+C, stderr: %s", stderr.String())
		}
		var saved struct{ Runs []json.RawMessage }
		b, _ := os.ReadFile(ck)
		if json.Unmarshal(b, &saved); len(saved.Runs) >= 3 {
			t.Fatalf("%v: the checkpoint holds every run: the search was not interrupted", sig)
		}
		got, err := exec.Command(bin, withCk...).Output()
		if err != nil {
			t.Fatalf("%v: resume: %v", sig, err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%v: resumed search prints\n%s\nan uninterrupted one\n%s", sig, got, want)
		}
		// Run again, the search is over: the same result at once.
		if again, err := exec.Command(bin, withCk...).Output(); err != nil || !bytes.Equal(again, want) {
			t.Errorf("a finished checkpoint run again: %v\n%s", err, again)
		}
		other := append(append([]string{}, withCk...), "-budget", "61")
		out, err := exec.Command(bin, other...).CombinedOutput()
		if err == nil || !strings.Contains(string(out), "-budget=61 here, -budget=60 there") {
			t.Errorf("a checkpoint of other flags: %v\n%s", err, out)
		}
	}
}

// A file that is no checkpoint, or a damaged one, is an error naming it;
// the file is left as it was.
func TestSearchCheckpointErrors(t *testing.T) {
	d := nb201Dir(t)
	ck := filepath.Join(t.TempDir(), "c.json")
	args := []string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "rs", "-budget", "5", "-q", "-checkpoint", ck}
	for _, content := range []string{"hello", `{"key":5}`} {
		os.WriteFile(ck, []byte(content), 0o644)
		err := runSearch(args, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "not a checkpoint of nasbook search") {
			t.Errorf("%q: %v", content, err)
		}
		if b, _ := os.ReadFile(ck); string(b) != content {
			t.Errorf("the file was changed to %q", b)
		}
	}
	if err := runSearch(append(args[:len(args)-1:len(args)-1], "/dev/null"), &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "/dev/null: not a regular file") {
		t.Errorf("-checkpoint /dev/null: %v", err)
	}
	os.Remove(ck)
	var want bytes.Buffer
	if err := runSearch(args, &want); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(ck)
	var st map[string]any
	json.Unmarshal(b, &st)
	st["runs"] = []any{map[string]any{"Seed": 9}}
	b, _ = json.Marshal(st)
	os.WriteFile(ck, b, 0o644)
	if err := runSearch(args, &bytes.Buffer{}); err == nil || !strings.Contains(err.Error(), "-checkpoint "+ck+": search: saved state: run 1 has seed 9, want 1") {
		t.Errorf("a damaged checkpoint: %v", err)
	}
}
