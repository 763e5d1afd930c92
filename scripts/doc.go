// Package scripts holds example notebooks written as Go scripts: cells
// separated by "// %%" lines, each script ending in the output it prints
// ("// Output:"). They carry //go:build ignore and a package clause that the
// go command needs to read it, since a notebook cell mixes declarations and
// statements as no Go file may; run one with
//
//	go run ./cmd/nasbook run scripts/nb201_extra_op.go
//
// or open it in the playground. The tests run every script natively and in
// the browser and hold its output to the golden block.
package scripts
