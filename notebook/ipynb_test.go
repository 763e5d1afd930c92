package notebook

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestReadWriteRoundTrip(t *testing.T) {
	src := `{"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": {"language": "go"}},
	 "cells": [
	  {"cell_type": "markdown", "metadata": {}, "source": ["# Title\n", "text"]},
	  {"cell_type": "code", "metadata": {}, "execution_count": 2, "source": "x := 1",
	   "outputs": [{"output_type": "stream", "name": "stdout", "text": ["a\n", "b\n"]},
	               {"output_type": "execute_result", "execution_count": 2, "metadata": {}, "data": {"text/plain": ["1"]}},
	               {"output_type": "error", "ename": "panic", "evalue": "line 1: x", "traceback": ["line 1, in the cell"]}]},
	  {"cell_type": "code", "metadata": {}, "execution_count": null, "source": "", "outputs": []}
	 ]}`
	nb, err := Read(strings.NewReader(src))
	if err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].Source != "# Title\ntext" || nb.Cells[1].Outputs[0].Text != "a\nb\n" || nb.Cells[1].Outputs[1].Data["text/plain"] != "1" {
		t.Errorf("multi-line strings not joined: %+v", nb.Cells)
	}
	var buf bytes.Buffer
	if err := nb.Write(&buf); err != nil {
		t.Fatal(err)
	}
	var generic map[string]any
	if err := json.Unmarshal(buf.Bytes(), &generic); err != nil {
		t.Fatal(err)
	}
	cells := generic["cells"].([]any)
	code := cells[2].(map[string]any)
	if _, ok := code["execution_count"]; !ok || code["execution_count"] != nil {
		t.Errorf("code cell without a null execution_count: %v", code)
	}
	if outs, ok := code["outputs"].([]any); !ok || len(outs) != 0 {
		t.Errorf("code cell without an outputs list: %v", code)
	}
	if _, ok := cells[0].(map[string]any)["outputs"]; ok {
		t.Error("markdown cell has outputs")
	}
	again, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if again.Cells[1].Outputs[2].PlainText() != "panic: line 1: x\nline 1, in the cell\n" {
		t.Errorf("error output after round trip: %q", again.Cells[1].Outputs[2].PlainText())
	}
}

func TestReadErrors(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"{\n\"cells\": [,]}", "notebook: not a notebook file: line 2, column 11"},
		{`{"cells": []}`, "no nbformat field"},
		{`{"nbformat": 3, "cells": []}`, "nbformat 3; nasbook reads nbformat 4"},
		{`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "x"}, {"cell_type": "python", "source": ""}]}`, `cell 2: unknown cell_type "python"`},
		{`{"nbformat": 4, "cells": [{"cell_type": "code", "source": 3}]}`, "cell 1:"},
		{`{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "picture"}]}]}`, `cell 1: unknown output_type "picture"`},
	} {
		_, err := Read(strings.NewReader(c.in))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Read(%s): err = %v, want %q", c.in, err, c.want)
		}
	}
}
