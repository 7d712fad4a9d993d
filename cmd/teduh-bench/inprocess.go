package main

import (
	"bufio"
	"bytes"
	"fmt"
	"log"
	"os"
	"os/exec"
	"strconv"
	"strings"
)

// inProcessRow is one line of the in-process benchmarks: what a request
// costs the server alone (no HTTP client on the same cores), and how many
// database pages it writes.
type inProcessRow struct {
	name        string
	msPerOp     float64
	pagesPerOp  float64
	description string
}

var inProcessNames = map[string]string{
	"BenchmarkPublicIntake/staff=0": "public intake, nobody on duty to alert",
	"BenchmarkPublicIntake/staff=5": "public intake, five staff alerted",
	"BenchmarkBareCreate":           "bare PocketBase record creation",
}

// benchInProcess runs the in-process intake benchmarks of pb_hooks and
// returns their figures, to explain the HTTP ones.
func benchInProcess() ([]inProcessRow, error) {
	cmd := exec.Command("go", "test", "-run", "^$", "-bench", "^(BenchmarkPublicIntake|BenchmarkBareCreate)$", "-benchtime", "3s", "./pb_hooks/")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, os.Stderr
	log.Printf("in-process benchmarks: %s", strings.Join(cmd.Args, " "))
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("%v\n%s", err, out.String())
	}
	var rows []inProcessRow
	sc := bufio.NewScanner(&out)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 6 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		name := f[0][:strings.LastIndex(f[0], "-")]
		row := inProcessRow{name: name, description: inProcessNames[name]}
		for i := 2; i+1 < len(f); i += 2 {
			v, _ := strconv.ParseFloat(f[i], 64)
			switch f[i+1] {
			case "ns/op":
				row.msPerOp = v / 1e6
			case "pages/op":
				row.pagesPerOp = v
			}
		}
		rows = append(rows, row)
	}
	return rows, nil
}
