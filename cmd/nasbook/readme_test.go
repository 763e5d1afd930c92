package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"nasbook/internal/site"
	"nasbook/notebook"
)

// The README's commands are run as written: every line of its ```sh blocks,
// and every command in its text (a code span starting with "go ", "nasbook "
// or ".ci/"), with the placeholders below replaced by an example. `go run
// ./cmd/nasbook` is a binary built once from this package, the same program.
//
// A block line's [optional] parts are run given, so that every flag the
// README names is checked; a command that is such a line with some optional
// parts left out (`nasbook build -brotli 11`, `go run ./cmd/nasbook serve`) is
// covered by that run. A code span of the text that starts with a flag
// (`-latency-table FILE`) must name a flag of some command.
//
// serve needs the playground built, minutes of CPU unless the end-to-end
// tests have built it already: it runs only without -short, and last, so
// that beside those tests (whose build holds the build's lock) it finds the
// build done or nearly; it is fetched and stopped with SIGINT as a user
// would. bench builds only its benchmark program and runs in node and
// Chromium, also only without -short. build -force rebuilds everything whatever was built, so it runs in
// a stand-in project whose page programs are empty mains (fakeProject, as
// serve_test.go's): the same command in seconds, and the checkout's
// assets/build is never rebuilt under the tests beside it. With -short the
// rest takes under a minute of CPU.

// readmePlaceholders maps each placeholder of the README's commands to the
// example that replaces it, and says why that one. $OUT is a temporary
// directory, $NB201 the NAS-Bench-201 tables beside the project.
var readmePlaceholders = []struct{ text, example, why string }{
	{"COMMAND", "search", "the command with the most to list"},
	{"host:port", "127.0.0.1:0", "a port the system picks: free whatever else listens on this machine"},
	{"FILE.ipynb|FILE.go", "assets/notebooks/intro.ipynb", "the default notebook; the .go form is the README's run of scripts/nb201_extra_op.go"},
	{"out.ipynb", "$OUT/out.ipynb", "a file the test reads back"},
	{"'|nor_conv_3x3~0|+|...|'", "'" + index1 + "'", "NAS-Bench-201 index 1, whose 802,426 parameters the benchmark gives"},
	{"accuracy-200ep.csv", "$NB201/accuracy-200ep.csv", "the published table the README names, as the tests keep it"},
	{"latency-help-ms.csv", "$NB201/latency-help-ms.csv", "the published table the README names, as the tests keep it"},
	{"accuracy-12ep.csv", "$NB201/accuracy-12ep.csv", "the published table the README names, as the tests keep it"},
	{"search.ckpt", "$OUT/search.ckpt", "a checkpoint file in a scratch folder"},
	{"darts.py", "$OUT/darts.py", "a file in the temporary directory, not the checkout"},
	{"archs.txt", "$OUT/archs.txt", "one architecture (index 1): scoring one at the full size takes seconds"},
	{"DIR", "$OUT/site", "a new directory, which build -o creates"},
}

// readmeNotRun are the README's commands the test leaves alone, and why.
var readmeNotRun = []struct{ prefix, why string }{
	{"go test", "the test suite, which holds this test"},
	{"go generate", "regenerates committed sources (notebook/symbols)"},
	{"apt-get", "installs system packages"},
	{".ci/run", "installs system packages, then runs go test ./..., which holds this test"},
	{".ci/fuzz", "fuzzes every target of the repository, minutes; CI runs it"},
	{"/work/shared/bench/run.sh", "the peer benchmark, outside the project"},
	{"go run ./cmd/mnistpack", "remakes the committed MNIST subset from the original files, which the project does not ship"},
	{"cd tools/editor", "remakes the committed editor and math libraries of assets/vendor from npm, which the tests beside it serve"},
}

func TestREADMECommands(t *testing.T) {
	root, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	block, inline := readmeCommands(string(readme))
	if len(block) < 10 {
		t.Fatalf("found %d command lines in the README's sh blocks", len(block))
	}

	// What runs: each command once, unless it is a form of another block
	// line (that line with some optional parts left out), whose run covers it.
	coveredBy := map[string]string{} // a form -> the block line it is a form of
	for _, l := range block {
		_, forms := expand(t, l)
		for _, f := range forms {
			if _, ok := coveredBy[f]; !ok || strings.Contains(l, "[") {
				coveredBy[f] = l
			}
		}
	}
	var runs []string
	for _, c := range append(slices.Clone(block), inline...) {
		if why := notRun(c); why != "" {
			t.Logf("not run: %s (%s)", c, why)
			continue
		}
		run, _ := expand(t, c)
		if b, ok := coveredBy[run]; ok && b != c {
			t.Logf("%s: run as %s", c, b)
			continue
		}
		if !slices.Contains(runs, run) {
			runs = append(runs, run)
		}
	}

	bin := filepath.Dir(nasbookBinary(t))
	out := t.TempDir()
	if err := os.WriteFile(filepath.Join(out, "archs.txt"), []byte(index1+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	nb201 := filepath.Join(root, "..", "shared", "data", "nb201")
	env := append(os.Environ(), "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "OUT="+out, "NB201="+nb201)

	// The flags the text names (`-latency-table FILE`) are flags of a command.
	t.Run("flags named in the text", func(t *testing.T) {
		var usage bytes.Buffer
		for _, c := range commands {
			usage.Write(readmeRun(t, root, env, "nasbook help "+c.name))
		}
		for _, f := range readmeFlags(string(readme)) {
			if !regexp.MustCompile(`(?m)^\s+` + regexp.QuoteMeta(f) + `\b`).Match(usage.Bytes()) {
				t.Errorf("the README names %s, which no command's usage lists", f)
			}
		}
	})

	// serve last (see above).
	slices.SortStableFunc(runs, func(a, b string) int {
		return boolInt(strings.HasPrefix(a, "nasbook serve")) - boolInt(strings.HasPrefix(b, "nasbook serve"))
	})
	for _, run := range runs {
		t.Run(strings.ReplaceAll(run, "/", "∕"), func(t *testing.T) {
			words := strings.Fields(run)
			sub := ""
			if words[0] == "nasbook" && len(words) > 1 {
				sub = words[1]
			}
			if strings.Contains(run, "$NB201") {
				if _, err := os.Stat(nb201); err != nil {
					t.Skip("no NAS-Bench-201 tables in ../shared/data/nb201")
				}
			}
			if slices.Contains([]string{"serve", "build", "bench"}, sub) && testing.Short() {
				t.Skip(map[bool]string{true: "runs in node and Chromium", false: "builds the playground (minutes)"}[sub == "bench"] + ": not with -short")
			}
			dir := root
			switch sub {
			case "serve":
				readmeServe(t, root, env, run)
				return
			case "build":
				dir = fakeProject(t)
			case "bench":
				needBrowsers(t)
			}
			stdout := readmeRun(t, dir, env, run)
			checkOutput(t, run, stdout, out)
			if i := slices.Index(words, "-brotli"); sub == "build" && i > 0 && words[i+1] != strconv.Itoa(site.BuiltBrotli(dir)) {
				t.Errorf("%s built at brotli quality %d", run, site.BuiltBrotli(dir))
			}
		})
	}
}

// readmeCommands returns the lines of the README's sh blocks (without their
// comments) and the commands among its code spans.
func readmeCommands(readme string) (block, inline []string) {
	fence := regexp.MustCompile("(?ms)^```(\\w*)\n(.*?)^```")
	for _, m := range fence.FindAllStringSubmatch(readme, -1) {
		if m[1] != "sh" {
			continue
		}
		for _, l := range strings.Split(m[2], "\n") {
			if l = stripComment(l); l != "" {
				block = append(block, l)
			}
		}
	}
	text := fence.ReplaceAllString(readme, "")
	for _, m := range regexp.MustCompile("`([^`\n]+)`").FindAllStringSubmatch(text, -1) {
		c := m[1]
		if strings.HasPrefix(c, "go ") || strings.HasPrefix(c, "nasbook ") || strings.HasPrefix(c, "apt-get ") || strings.HasPrefix(c, ".ci/") || strings.HasSuffix(c, ".sh") {
			inline = append(inline, c)
		}
	}
	return block, inline
}

// readmeFlags returns the flags that start code spans of the README's text.
func readmeFlags(readme string) []string {
	var flags []string
	text := regexp.MustCompile("(?ms)^```.*?^```").ReplaceAllString(readme, "")
	for _, m := range regexp.MustCompile("`(-[a-zA-Z][-a-zA-Z0-9]*)[^`]*`").FindAllStringSubmatch(text, -1) {
		if !slices.Contains(flags, m[1]) {
			flags = append(flags, m[1])
		}
	}
	return flags
}

// stripComment cuts a shell comment (" #" outside quotes) and spaces.
func stripComment(l string) string {
	quote := rune(0)
	for i, r := range l {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == '#' && (i == 0 || l[i-1] == ' '):
			return strings.TrimSpace(l[:i])
		}
	}
	return strings.TrimSpace(l)
}

// normalize writes a command as the test runs it: go run ./cmd/nasbook is
// nasbook, and spaces are single.
func normalize(c string) string {
	c = strings.Join(strings.Fields(c), " ")
	if rest, ok := strings.CutPrefix(c, "go run ./cmd/nasbook"); ok {
		c = "nasbook" + rest
	}
	return c
}

// expand returns the command with every [optional] part given and the
// placeholders replaced, and every form of it (each optional part given or
// left out) with the placeholders replaced. A bracket or a placeholder left
// over fails the test: the table above needs an entry.
func expand(t *testing.T, c string) (run string, forms []string) {
	t.Helper()
	c = normalize(c)
	opt := regexp.MustCompile(`\[([^\[\]]*)\]`)
	parts := opt.FindAllStringSubmatchIndex(c, -1)
	for mask := 0; mask < 1<<len(parts); mask++ {
		var b strings.Builder
		last := 0
		for i, p := range parts {
			b.WriteString(c[last:p[0]])
			if mask&(1<<i) != 0 {
				b.WriteString(c[p[2]:p[3]])
			}
			last = p[1]
		}
		b.WriteString(c[last:])
		f := strings.Join(strings.Fields(replacePlaceholders(b.String())), " ")
		forms = append(forms, f)
		if mask == 1<<len(parts)-1 {
			run = f
		}
	}
	bare := regexp.MustCompile(`\$[A-Z0-9]+`).ReplaceAllString(run, "")
	if strings.ContainsAny(run, "[]") || strings.Contains(run, "...|") || regexp.MustCompile(`\b[A-Z]{2,}\b`).MatchString(bare) {
		t.Errorf("README command %q: a placeholder the test does not know (run as %q); add it to readmePlaceholders", c, run)
	}
	return run, forms
}

func replacePlaceholders(c string) string {
	for _, p := range readmePlaceholders {
		c = strings.ReplaceAll(c, p.text, p.example)
	}
	return c
}

func notRun(c string) string {
	for _, n := range readmeNotRun {
		if strings.HasPrefix(c, n.prefix) {
			return n.why
		}
	}
	return ""
}

// readmeRun runs a command line with sh in dir and returns its standard
// output; it fails the test unless the command succeeds.
func readmeRun(t *testing.T, dir string, env []string, line string) []byte {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "sh", "-c", line)
	cmd.Dir, cmd.Env = dir, env
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	start := time.Now()
	err := cmd.Run()
	t.Logf("%s: %.1f s, %.1f s of CPU", line, time.Since(start).Seconds(), cpuSeconds(cmd.ProcessState))
	if err != nil {
		t.Fatalf("%s: %v\nstdout:\n%s\nstderr:\n%s", line, err, tail(stdout.Bytes()), tail(stderr.Bytes()))
	}
	return stdout.Bytes()
}

func cpuSeconds(ps *os.ProcessState) float64 {
	if ps == nil {
		return 0
	}
	return (ps.UserTime() + ps.SystemTime()).Seconds()
}

func tail(b []byte) []byte {
	if len(b) > 4000 {
		return append([]byte("..."), b[len(b)-4000:]...)
	}
	return b
}

// checkOutput checks what a command printed beyond its exit status: JSON
// where it promises JSON, the notebook written with -o, the figures of bench.
func checkOutput(t *testing.T, run string, stdout []byte, out string) {
	words := strings.Fields(run)
	sub := words[1]
	switch {
	case sub == "build":
		// It prints on standard error; the test checks the quality it built
		// at, and here the static site -o wrote.
		if slices.Contains(words, "-o") {
			if _, err := os.Stat(filepath.Join(out, "site", "index.html")); err != nil {
				t.Errorf("%s wrote no site: %v", run, err)
			}
		}
		return
	case len(bytes.TrimSpace(stdout)) == 0:
		t.Fatalf("%s printed nothing", run)
	}
	if sub == "score" || sub == "cost" || slices.Contains(words, "-json") {
		dec := json.NewDecoder(bytes.NewReader(stdout))
		for n := 0; ; n++ {
			var v map[string]any
			err := dec.Decode(&v)
			if err == io.EOF && n > 0 {
				break
			}
			if err != nil {
				t.Fatalf("%s: output is not JSON objects: %v\n%s", run, err, tail(stdout))
			}
			if _, bad := v["error"]; bad {
				t.Errorf("%s: %v", run, v)
			}
		}
	}
	if slices.Contains(words, "-o") {
		f, err := os.Open(filepath.Join(out, "out.ipynb"))
		if err != nil {
			t.Fatal(err)
		}
		defer f.Close()
		if nb, err := notebook.Read(f); err != nil || len(nb.Cells) == 0 {
			t.Errorf("run -o wrote no notebook: %v", err)
		}
	}
	if sub == "bench" {
		targets := []string{"nasbook-native W1", "nasbook-wasm-node-simd W2", "nasbook-wasm-chromium W3", "tfjs-wasm-simd-chromium W1"}
		if strings.Contains(run, "-workloads pool") {
			targets = []string{"nasbook-native pool-halving ratio=", "nasbook-native pool-hyperband ratio="}
		}
		// Only the lines of the targets the command names, if it names some.
		named := benchTargets
		if i := slices.Index(strings.Fields(run), "-targets"); i >= 0 && i+1 < len(strings.Fields(run)) {
			named = strings.Split(strings.Fields(run)[i+1], ",")
		}
		for _, target := range targets {
			where := map[bool]string{true: "node", false: "chromium"}[strings.Contains(target, "-node")]
			if strings.HasPrefix(target, "nasbook-native") {
				where = "native"
			}
			if !slices.Contains(named, where) {
				continue
			}
			if !bytes.Contains(stdout, []byte(target)) {
				t.Errorf("bench printed no %q line:\n%s", target, stdout)
			}
		}
	}
}

// readmeServe starts serve as the README writes it, fetches the page at the
// URL it prints, and stops it with Ctrl+C (SIGINT), as a user would.
func readmeServe(t *testing.T, root string, env []string, line string) {
	cmd := exec.Command("sh", "-c", "exec "+line)
	cmd.Dir, cmd.Env = root, env
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	urls := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if u := regexp.MustCompile(`http://\S+/`).FindString(sc.Text()); u != "" {
				select {
				case urls <- u:
				default:
				}
			}
		}
		exited <- cmd.Wait()
	}()
	defer cmd.Process.Kill()
	var url string
	select {
	case url = <-urls:
	case err := <-exited:
		t.Fatalf("%s ended before serving: %v\n%s", line, err, tail(stderr.Bytes()))
	case <-time.After(15 * time.Minute): // a fresh checkout builds first
		t.Fatalf("%s printed no URL in 15 minutes\n%s", line, tail(stderr.Bytes()))
	}
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !bytes.Contains(page, []byte("<html")) {
		t.Errorf("GET %s: %s\n%s", url, resp.Status, tail(page))
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Errorf("%s after Ctrl+C: %v\n%s", line, err, tail(stderr.Bytes()))
		}
	case <-time.After(time.Minute):
		t.Errorf("%s still runs a minute after Ctrl+C", line)
	}
}

// needBrowsers skips bench where node or Chromium is missing, unless
// NASBOOK_REQUIRE_BROWSER=1 makes that a failure (as .ci/run does).
func needBrowsers(t *testing.T) {
	for _, exe := range []string{"node", "chromium"} {
		if _, err := exec.LookPath(exe); err != nil && os.Getenv("CHROMIUM") == "" {
			if os.Getenv("NASBOOK_REQUIRE_BROWSER") == "1" {
				t.Fatalf("bench needs %s", exe)
			}
			t.Skipf("bench needs %s", exe)
		}
	}
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
