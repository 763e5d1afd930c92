// Command nasbook is the playground's command line: it builds and serves the
// notebook page, and runs notebooks, searches and measurements natively with
// the same engine. `nasbook help` lists its commands, `nasbook help <command>`
// (or `nasbook <command> -h`) a command's flags.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

type command struct {
	name, summary string
	run           func(args []string) error
}

// commands are listed by `nasbook help` in this order.
var commands = []command{
	{"serve", "build what is stale and serve the playground", serveCmd},
	{"build", "build the playground into assets/build (for a static host)", buildCmd},
	{"run", "run a notebook or a script headless and print its outputs", runCmd},
	{"kernel", "run cells sent as JSON lines on standard input (the process run starts)", kernelCmd},
	{"search", "search a space by a benchmark table, a zero-cost proxy, or one-shot", searchCmd},
	{"score", "score architectures (standard input) with zero-cost proxies", scoreCmd},
	{"cost", "params, MACs, FLOPs, memory and latency of architectures", costCmd},
	{"export", "write an architecture as a PyTorch module with its weights", exportCmd},
	{"bench", "measure the workloads W1-W3 natively, in node and in Chromium", benchCmd},
}

// errHelp is returned by a command whose usage was asked for (-h) and
// printed; errUsage by one whose flags were wrong (the flag package printed
// why and the usage).
var (
	errHelp  = errors.New("help requested")
	errUsage = errors.New("bad usage")
)

func main() { os.Exit(nasbook(os.Args[1:])) }

// nasbook runs the command line and returns the exit status: 0, 1 for a
// failed command, 2 for a wrong one.
func nasbook(args []string) int {
	if len(args) == 0 {
		usage(os.Stderr)
		return 2
	}
	name := args[0]
	switch name {
	case "-h", "-help", "--help", "help":
		if len(args) > 1 && name == "help" {
			if c, ok := lookup(args[1]); ok {
				return finish(c.name, c.run([]string{"-h"}))
			}
			fmt.Fprintf(os.Stderr, "nasbook help: unknown command %q\n", args[1])
			usage(os.Stderr)
			return 2
		}
		usage(os.Stdout)
		return 0
	}
	c, ok := lookup(name)
	if !ok {
		fmt.Fprintf(os.Stderr, "nasbook: unknown command %q\n\n", name)
		usage(os.Stderr)
		return 2
	}
	return finish(c.name, c.run(args[1:]))
}

func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// finish turns a command's error into its exit status.
func finish(name string, err error) int {
	switch {
	case err == nil, errors.Is(err, errHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	}
	fmt.Fprintf(os.Stderr, "nasbook %s: %v\n", name, err)
	return 1
}

func usage(w io.Writer) {
	fmt.Fprint(w, `nasbook builds and serves the nasbook playground, and runs its notebooks,
searches and measurements natively with the same engine.

usage: nasbook <command> [flags]

commands:
`)
	for _, c := range commands {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "  help     this list, or a command's usage: nasbook help <command>")
	fmt.Fprintln(w, "\nRun 'nasbook help <command>' or 'nasbook <command> -h' for a command's flags.")
}

// parseFlags parses a command's flags (its FlagSet made with
// flag.ContinueOnError). With -h the usage goes to standard output and the
// result is errHelp; on a mistake, what is wrong goes to standard error and
// the result is errUsage.
func parseFlags(fs *flag.FlagSet, args []string) error {
	var msg bytes.Buffer
	usage := fs.Usage
	fs.Usage = func() {}
	fs.SetOutput(&msg)
	err := fs.Parse(args)
	fs.Usage = usage
	switch {
	case err == nil:
		fs.SetOutput(os.Stderr)
		return nil
	case errors.Is(err, flag.ErrHelp):
		fs.SetOutput(os.Stdout)
		fs.Usage()
		return errHelp
	}
	fs.SetOutput(os.Stderr)
	fmt.Fprintf(os.Stderr, "nasbook %s: %sRun 'nasbook help %s' for its usage.\n", fs.Name(), msg.String(), fs.Name())
	return errUsage
}

// noArgs refuses arguments after the flags of a command that takes none.
func noArgs(fs *flag.FlagSet) error {
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q (flags go before arguments; see -h)", fs.Arg(0))
	}
	return nil
}

// parseShape reads an -input flag such as 3x32x32; "" is no shape.
func parseShape(input string) ([]int, error) {
	if input == "" {
		return nil, nil
	}
	var shape []int
	for _, p := range strings.Split(input, "x") {
		d, err := strconv.Atoi(p)
		if err != nil || d <= 0 {
			return nil, fmt.Errorf("-input %q: want positive sizes joined by x, such as 3x32x32", input)
		}
		shape = append(shape, d)
	}
	return shape, nil
}
