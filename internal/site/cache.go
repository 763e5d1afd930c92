package site

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/andybalholm/brotli"
)

// The compressed copies of some bytes are the same wherever the bytes lie,
// so a build keeps them in the user's cache directory, named by the
// SHA-256 of the bytes and the brotli quality: a build of bytes that an
// earlier build compressed (a fresh clone of the same commit, build -o,
// another checkout) copies them instead of compressing again, which for
// the kernel at FirstVisitBrotli is over a minute of one core.

// CacheLimit bounds the size of the cache of compressed copies: past it, a
// build that adds copies removes the least recently used ones.
const CacheLimit = 512 << 20

// cacheDir is where the compressed copies are kept, or "" when the user
// has no cache directory.
func cacheDir() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "nasbook", "compressed")
}

// compressCached returns raw compressed as compressBytes does, from the
// cache when it holds copies that decompress to raw, and keeps new copies
// there. The cache only saves time: when it cannot be read or written, the
// copies are made here.
func compressCached(raw []byte, quality int) ([][]byte, error) {
	dir := cacheDir()
	if dir == "" {
		return compressBytes(raw, quality)
	}
	sum := sha256.Sum256(raw)
	key := hex.EncodeToString(sum[:])
	paths := []string{
		filepath.Join(dir, key[:2], fmt.Sprintf("%s.br%d", key, quality)),
		filepath.Join(dir, key[:2], key+".gz"),
	}
	if copies, ok := readCached(paths, raw); ok {
		return copies, nil
	}
	copies, err := compressBytes(raw, quality)
	if err != nil {
		return nil, err
	}
	stored := false
	for i, p := range paths {
		if os.MkdirAll(filepath.Dir(p), 0o755) == nil && writeFile(p, copies[i]) == nil {
			stored = true
		}
	}
	if stored {
		pruneCache(dir, CacheLimit)
	}
	return copies, nil
}

// readCached reads the copies at paths (brotli, then gzip, as Encodings)
// and reports whether both are there and decompress to raw; it marks them
// used.
func readCached(paths []string, raw []byte) ([][]byte, bool) {
	var copies [][]byte
	for i, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, false
		}
		var r io.Reader
		if i == 0 {
			r = brotli.NewReader(bytes.NewReader(b))
		} else if r, err = gzip.NewReader(bytes.NewReader(b)); err != nil {
			return nil, false
		}
		if !sameBytes(r, raw) {
			return nil, false
		}
		copies = append(copies, b)
	}
	now := time.Now()
	for _, p := range paths {
		os.Chtimes(p, now, now)
	}
	return copies, true
}

// sameBytes reports whether r reads exactly want.
func sameBytes(r io.Reader, want []byte) bool {
	buf := make([]byte, 64<<10)
	for {
		n, err := io.ReadFull(r, buf)
		if n > len(want) || !bytes.Equal(buf[:n], want[:n]) {
			return false
		}
		want = want[n:]
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return len(want) == 0
		}
		if err != nil {
			return false
		}
	}
}

// pruneCache removes the least recently used files under dir until what
// is left takes at most limit bytes.
func pruneCache(dir string, limit int64) {
	type entry struct {
		path string
		info fs.FileInfo
	}
	var files []entry
	var total int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return nil
		}
		if info, err := d.Info(); err == nil {
			files = append(files, entry{p, info})
			total += info.Size()
		}
		return nil
	})
	if total <= limit {
		return
	}
	sort.Slice(files, func(i, j int) bool { return files[i].info.ModTime().Before(files[j].info.ModTime()) })
	for _, f := range files {
		if total <= limit {
			break
		}
		if os.Remove(f.path) == nil {
			total -= f.info.Size()
		}
	}
}
