//go:build unix

package site

import (
	"os"
	"syscall"
)

// lockBuild holds an exclusive lock on the build directory out until
// unlock: two builds of one checkout at once (two serve commands, or the
// test packages that build the playground side by side) take turns, and
// the second finds the first's build current instead of redoing it.
func lockBuild(out string) (unlock func(), err error) {
	f, err := os.OpenFile(lockPath(out), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
