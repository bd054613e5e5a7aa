// Oracle for test/lang/go-parse.differential.test.ts: reads one JSON-encoded string per line on stdin and
// prints, per line, Go's strconv.ParseFloat(s, 64) result (the float64 bits in hex, or "err") and
// time.ParseDuration(s) result (nanoseconds, or "err"), separated by a space.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"strconv"
	"time"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 64<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var s string
		if err := json.Unmarshal(in.Bytes(), &s); err != nil {
			fmt.Fprintln(os.Stderr, "bad corpus line:", err)
			os.Exit(1)
		}
		f := "err"
		if v, err := strconv.ParseFloat(s, 64); err == nil {
			f = fmt.Sprintf("%016x", math.Float64bits(v))
		}
		d := "err"
		if v, err := time.ParseDuration(s); err == nil {
			d = strconv.FormatInt(int64(v), 10)
		}
		fmt.Fprintln(out, f, d)
	}
	if err := in.Err(); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
