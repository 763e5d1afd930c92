package notebook

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"

	"nasbook/internal/limit"
	"nasbook/nb"
)

// Bounds on the notebooks Read accepts, far beyond a lesson's (under a
// megabyte, its figures included) and below what a browser tab holds. A
// notebook's outputs keep their figures as SVG text, a few hundred
// kilobytes each; Jupyter notebooks full of images reach tens of MiB.
const (
	MaxBytes = 128 << 20 // a notebook file, 128 MiB
	MaxCells = 10000     // cells of a notebook
)

// Notebook is an nbformat 4 notebook.
type Notebook struct {
	Cells         []Cell         `json:"cells"`
	Metadata      map[string]any `json:"metadata"`
	NBFormat      int            `json:"nbformat"`
	NBFormatMinor int            `json:"nbformat_minor"`
}

// Cell is one markdown, code or raw cell.
type Cell struct {
	CellType       string         `json:"cell_type"` // "markdown", "code" or "raw"
	ID             string         `json:"id,omitempty"`
	Metadata       map[string]any `json:"metadata"`
	Source         Text           `json:"source"`
	ExecutionCount *int           `json:"execution_count,omitempty"` // code cells: null until run
	Outputs        []Output       `json:"outputs,omitempty"`         // code cells
}

// MarshalJSON writes the fields nbformat requires of the cell's type: code
// cells always carry execution_count (null until run) and outputs.
func (c Cell) MarshalJSON() ([]byte, error) {
	meta := c.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	m := map[string]any{"cell_type": c.CellType, "metadata": meta, "source": c.Source}
	if c.ID != "" {
		m["id"] = c.ID
	}
	if c.CellType == "code" {
		m["execution_count"] = c.ExecutionCount
		outs := c.Outputs
		if outs == nil {
			outs = []Output{}
		}
		m["outputs"] = outs
	}
	return json.Marshal(m)
}

// Text is nbformat's multi-line string: a string, or a list of strings that
// are joined. It is written as a single string.
type Text string

// UnmarshalJSON accepts a string or a list of strings.
func (t *Text) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err == nil {
		*t = Text(s)
		return nil
	}
	var parts []string
	if err := json.Unmarshal(b, &parts); err != nil {
		return fmt.Errorf("want a string or a list of strings, found %s", limit.Clip(string(b)))
	}
	*t = Text(strings.Join(parts, ""))
	return nil
}

// Output is one output of a code cell, as nbformat 4 defines it. OutputType
// selects which of the other fields apply:
//
//	"stream":         Name ("stdout" or "stderr"), Text
//	"display_data":   Data (MIME type to representation), Metadata
//	"execute_result": Data, Metadata, ExecutionCount
//	"error":          EName, EValue, Traceback
type Output struct {
	OutputType     string
	Name           string
	Text           string
	Data           map[string]any
	Metadata       map[string]any
	ExecutionCount int
	EName, EValue  string
	Traceback      []string
	// DisplayID, on display_data, names a display that later outputs with
	// the same id replace (Jupyter's transient display_id). It goes to the
	// page with the output but is not kept in notebook files.
	DisplayID string
}

// MarshalJSON writes exactly the fields of the output's type.
func (o Output) MarshalJSON() ([]byte, error) {
	m := map[string]any{"output_type": o.OutputType}
	meta := o.Metadata
	if meta == nil {
		meta = map[string]any{}
	}
	switch o.OutputType {
	case "stream":
		m["name"], m["text"] = o.Name, o.Text
	case "display_data":
		m["data"], m["metadata"] = o.Data, meta
		if o.DisplayID != "" {
			m["transient"] = map[string]any{"display_id": o.DisplayID}
		}
	case "execute_result":
		m["data"], m["metadata"], m["execution_count"] = o.Data, meta, o.ExecutionCount
	case "error":
		tb := o.Traceback
		if tb == nil {
			tb = []string{}
		}
		m["ename"], m["evalue"], m["traceback"] = o.EName, o.EValue, tb
	default:
		return nil, fmt.Errorf("notebook: unknown output type %q", o.OutputType)
	}
	return json.Marshal(m)
}

// UnmarshalJSON reads an output of any of the four types.
func (o *Output) UnmarshalJSON(b []byte) error {
	var raw struct {
		OutputType     string         `json:"output_type"`
		Name           string         `json:"name"`
		Text           Text           `json:"text"`
		Data           map[string]any `json:"data"`
		Metadata       map[string]any `json:"metadata"`
		ExecutionCount *int           `json:"execution_count"`
		EName          string         `json:"ename"`
		EValue         string         `json:"evalue"`
		Traceback      []string       `json:"traceback"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	switch raw.OutputType {
	case "stream", "display_data", "execute_result", "error":
	default:
		return fmt.Errorf("unknown output_type %q", limit.Clip(raw.OutputType))
	}
	*o = Output{OutputType: raw.OutputType, Name: raw.Name, Text: string(raw.Text), Data: raw.Data,
		Metadata: raw.Metadata, EName: raw.EName, EValue: raw.EValue, Traceback: raw.Traceback}
	if raw.ExecutionCount != nil {
		o.ExecutionCount = *raw.ExecutionCount
	}
	for k, v := range o.Data {
		// Multi-line strings may come as lists.
		if parts, ok := v.([]any); ok && (strings.HasPrefix(k, "text/") || k == "image/svg+xml") {
			var sb strings.Builder
			for _, p := range parts {
				s, _ := p.(string)
				sb.WriteString(s)
			}
			o.Data[k] = sb.String()
		}
	}
	return nil
}

// ProgressID returns the id of the progress bar that o shows, or "".
func (o Output) ProgressID() string {
	switch p := o.Data[nb.ProgressMIMEType].(type) {
	case nb.Progress:
		return p.ID
	case map[string]any: // read from a file
		id, _ := p["id"].(string)
		return id
	}
	return ""
}

// PlainText is what a text-only reader sees of the output: the stream text,
// the "text/plain" representation, or the error with its traceback.
func (o Output) PlainText() string {
	switch o.OutputType {
	case "stream":
		return o.Text
	case "display_data", "execute_result":
		s, _ := o.Data["text/plain"].(string)
		if s != "" && !strings.HasSuffix(s, "\n") {
			s += "\n"
		}
		return s
	case "error":
		s := o.EName + ": " + o.EValue + "\n"
		for _, t := range o.Traceback {
			s += t + "\n"
		}
		return s
	}
	return ""
}

// Read parses an nbformat 4 notebook. Errors name the cell at fault. A
// file over MaxBytes or MaxCells is an error.
func Read(r io.Reader) (*Notebook, error) {
	b, err := limit.ReadAll(r, MaxBytes, "file")
	if err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	var head struct {
		NBFormat *int              `json:"nbformat"`
		Cells    []json.RawMessage `json:"cells"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("notebook: not a notebook file: %w", jsonPosition(b, err))
	}
	if head.NBFormat == nil {
		return nil, fmt.Errorf("notebook: no nbformat field; is this a Jupyter notebook (.ipynb)?")
	}
	if *head.NBFormat != 4 {
		return nil, fmt.Errorf("notebook: nbformat %d; nasbook reads nbformat 4", *head.NBFormat)
	}
	if len(head.Cells) > MaxCells {
		return nil, fmt.Errorf("notebook: %d cells, more than %d", len(head.Cells), MaxCells)
	}
	nb := &Notebook{}
	if err := json.Unmarshal(b, &struct {
		Metadata      *map[string]any `json:"metadata"`
		NBFormat      *int            `json:"nbformat"`
		NBFormatMinor *int            `json:"nbformat_minor"`
	}{&nb.Metadata, &nb.NBFormat, &nb.NBFormatMinor}); err != nil {
		return nil, fmt.Errorf("notebook: %w", err)
	}
	for i, raw := range head.Cells {
		var c Cell
		if err := json.Unmarshal(raw, &c); err != nil {
			return nil, fmt.Errorf("notebook: cell %d: %w", i+1, err)
		}
		switch c.CellType {
		case "markdown", "code", "raw":
		default:
			return nil, fmt.Errorf("notebook: cell %d: unknown cell_type %q", i+1, limit.Clip(c.CellType))
		}
		nb.Cells = append(nb.Cells, c)
	}
	return nb, nil
}

// Write writes nb as indented nbformat 4 JSON.
func (nb *Notebook) Write(w io.Writer) error {
	out := *nb
	if out.Metadata == nil {
		out.Metadata = map[string]any{}
	}
	// Transient ids live only while a kernel runs.
	out.Cells = slices.Clone(out.Cells)
	for i := range out.Cells {
		outs := slices.Clone(out.Cells[i].Outputs)
		for j := range outs {
			outs[j].DisplayID = ""
		}
		out.Cells[i].Outputs = outs
	}
	b, err := json.MarshalIndent(&out, "", " ")
	if err != nil {
		return fmt.Errorf("notebook: %w", err)
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// jsonPosition adds the line and column of a syntax error.
func jsonPosition(b []byte, err error) error {
	se, ok := err.(*json.SyntaxError)
	if !ok {
		return err
	}
	line := 1 + bytes.Count(b[:se.Offset], []byte("\n"))
	col := int(se.Offset) - bytes.LastIndexByte(b[:se.Offset], '\n') - 1
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
