package main

import (
	"bytes"
	"encoding/json"
	"nasbook/internal/shared"
	"path/filepath"
	"strings"
	"testing"
)

// nb201Dir is ../shared/data/nb201 beside the repository.
func nb201Dir(t *testing.T) string { return shared.Dir(t, "nb201") }

func TestSearchJSON(t *testing.T) {
	d := nb201Dir(t)
	var out bytes.Buffer
	err := runSearch([]string{"-space", "nb201", "-table", filepath.Join(d, "accuracy-200ep.csv"), "-table", filepath.Join(d, "latency-help-ms.csv"),
		"-objectives", "cifar10_test,raspi4", "-minimize", "raspi4", "-strategy", "nsga2", "-budget", "200", "-seeds", "2", "-json"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	var r struct {
		Mean, Std *float64
		Runs      []struct {
			Seed  int64
			Arch  string
			Value *float64
		}
		Front []map[string]any
	}
	if err := json.Unmarshal(out.Bytes(), &r); err != nil {
		t.Fatal(err)
	}
	if r.Mean == nil || r.Std == nil || len(r.Runs) != 2 || r.Runs[1].Seed != 2 || r.Runs[0].Value == nil || !strings.HasPrefix(r.Runs[0].Arch, "|") || len(r.Front) == 0 {
		t.Fatalf("output lacks a field:\n%s", out.Bytes())
	}
	for _, m := range r.Front {
		if _, ok := m["cifar10_test"].(float64); !ok {
			t.Fatalf("front member without cifar10_test: %v", m)
		}
		if _, ok := m["raspi4"].(float64); !ok {
			t.Fatalf("front member without raspi4: %v", m)
		}
	}
}

func TestSearchTable(t *testing.T) {
	d := nb201Dir(t)
	var out bytes.Buffer
	err := runSearch([]string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "rs", "-budget", "20", "-seeds", "3"}, &out)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "best cifar10_test: mean") || strings.Count(out.String(), "|nor_conv") < 1 {
		t.Errorf("output:\n%s", out.String())
	}
	err = runSearch([]string{"-table", filepath.Join(d, "accuracy-200ep.csv"), "-metric", "cifar10_test", "-strategy", "nsga2"}, &out)
	if err == nil || !strings.Contains(err.Error(), "two or more") {
		t.Errorf("nsga2 with one objective: %v", err)
	}
}
