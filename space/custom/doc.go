// Package custom makes search spaces out of plain data and functions — the
// form in which a notebook cell defines a space, since an interpreted script
// cannot implement a compiled interface.
//
// Space is any space of choices: its options, a constraint between them and
// a function that writes an architecture's spec. CellSpace is a cell-based
// space: an operation set (built-in operations and operations composed of
// generic layers), a number of nodes, the inputs each node takes, and the
// network around the cells; it writes "cell" specs, so the relaxation of
// engine/oneshot and every consumer of specs work on it as on the built-in
// cell spaces.
//
// Functions a space is made of may come from a script: a panic inside one is
// returned as an error naming the function and the architecture, never
// passed on.
package custom
